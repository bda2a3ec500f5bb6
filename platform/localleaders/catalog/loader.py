"""Reads courses/ into validated specs, collecting every problem instead of stopping at one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from localleaders.catalog.problems import CourseFileError, Problem, problems_from
from localleaders.catalog.program import ProgramSpec
from localleaders.catalog.schemas import CourseSpec, LessonSpec, texts_of
from localleaders.catalog.translations import missing_translations, structure_problems
from localleaders.gamification.badge_art import has_icon
from localleaders.i18n import LOCALES
from localleaders.models.catalog import Track

SpecT = TypeVar("SpecT", bound=BaseModel)
PROGRAM_FILE = "program.yaml"
COURSE_FILE = "course.yaml"


@dataclass
class LessonVersion:
    """One language of a lesson: its file, front matter and Markdown text."""

    path: Path
    spec: LessonSpec
    body: str


@dataclass
class LoadedLesson:
    slug: str
    module_slug: str
    path: Path
    spec: LessonSpec
    body: str
    # Every language the lesson is written in, the main one included.
    versions: dict[str, LessonVersion] = field(default_factory=dict)


@dataclass
class LoadedCourse:
    path: Path
    spec: CourseSpec
    lessons: dict[str, LoadedLesson] = field(default_factory=dict)
    content_hash: str = ""

    def texts(self) -> dict[str, dict[str, str]]:
        """{language: {"title": ..., "summary": ...}} for the course itself."""
        return merge_texts(self.spec.title, self.spec.summary, self.spec.language)


@dataclass
class Catalog:
    courses: list[LoadedCourse]
    program: ProgramSpec
    # Texts with no version in some language: reported by `courses validate`, not errors.
    missing: list[Problem] = field(default_factory=list)


def merge_texts(
    title: str | Mapping[Any, str], summary: str | Mapping[Any, str], main: str
) -> dict[str, dict[str, str]]:
    titles, summaries = texts_of(title, main), texts_of(summary, main)
    return {
        language: {"title": titles.get(language, ""), "summary": summaries.get(language, "")}
        for language in LOCALES
        if language in titles or language in summaries
    }


def _parse_yaml(text: str, file: Path, offset: int, problems: list[Problem]) -> tuple[Any, Any]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + offset if mark is not None else None
        problems.append(Problem(file, "", f"not valid YAML: {exc}", line))
        return None, None
    if not isinstance(data, dict):
        problems.append(Problem(file, "", "expected a mapping of keys to values", offset + 1))
        return None, None
    return node, data


def _validate(
    model: type[SpecT], text: str, file: Path, problems: list[Problem], offset: int = 0
) -> SpecT | None:
    node, data = _parse_yaml(text, file, offset, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, file, node, offset))
        return None


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Returns (front matter, body) of a Markdown file that starts with a '---' block."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None


def load_lesson(path: Path, problems: list[Problem]) -> tuple[LessonSpec | None, str]:
    text = path.read_text(encoding="utf-8")
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(path, "", "must start with front matter between '---' lines", 1))
        return None, ""
    front, body = parts
    spec = _validate(LessonSpec, front, path, problems, offset=1)
    if not body.strip():
        problems.append(Problem(path, "body", "the lesson has no text after the front matter"))
    return spec, body


def _translation_paths(path: Path, slug: str, main: str) -> dict[str, Path]:
    return {lang: path.with_name(f"{slug}.{lang}.md") for lang in LOCALES if lang != main}


def _load_translations(
    lesson: LoadedLesson, main: str, digest: Any, problems: list[Problem]
) -> None:
    """Reads <slug>.<language>.md beside the main file, each checked against the main one."""
    for language, path in _translation_paths(lesson.path, lesson.slug, main).items():
        if not path.is_file():
            continue
        digest.update(path.read_bytes())
        spec, body = load_lesson(path, problems)
        if spec is None:
            continue
        found = structure_problems(lesson.spec, spec, path)
        problems.extend(found)
        if not found:
            lesson.versions[language] = LessonVersion(path, spec, body)


def _stray_problem(path: Path, listed: set[str], main: str) -> Problem:
    stem, _, suffix = path.name.removesuffix(".md").rpartition(".")
    if stem in listed and suffix == main:
        message = f"{main!r} is the course's main language: its text belongs in {stem}.md"
    elif stem in listed:
        languages = ", ".join(language for language in LOCALES if language != main)
        message = f"unknown language {suffix!r}: translations are named {stem}.<{languages}>.md"
    else:
        message = "lesson file is not listed in course.yaml"
    return Problem(path, "", message)


def load_course(folder: Path, problems: list[Problem]) -> LoadedCourse | None:
    course_file = folder / COURSE_FILE
    spec = _validate(CourseSpec, course_file.read_text(encoding="utf-8"), course_file, problems)
    if spec is None:
        return None
    if spec.slug != folder.name:
        problems.append(Problem(course_file, "slug", f"must match the folder name {folder.name!r}"))
    if spec.track == Track.shared and spec.includes:
        problems.append(Problem(course_file, "includes", "a shared module cannot include others"))
    course = LoadedCourse(path=folder, spec=spec)
    digest = hashlib.sha256(course_file.read_bytes())
    listed: set[Path] = set()
    for module in spec.modules:
        for slug in module.lessons:
            path = folder / module.slug / f"{slug}.md"
            listed.add(path)
            listed.update(_translation_paths(path, slug, spec.language).values())
            if not path.is_file():
                problems.append(
                    Problem(course_file, f"modules.{module.slug}.lessons", f"no file {path.name}")
                )
                continue
            digest.update(path.read_bytes())
            lesson, body = load_lesson(path, problems)
            if lesson is None:
                continue
            loaded = LoadedLesson(slug, module.slug, path, lesson, body)
            loaded.versions[spec.language] = LessonVersion(path, lesson, body)
            _load_translations(loaded, spec.language, digest, problems)
            course.lessons[slug] = loaded
    slugs = {slug for module in spec.modules for slug in module.lessons}
    for stray in sorted(set(folder.glob("*/*.md")) - listed):
        problems.append(_stray_problem(stray, slugs, spec.language))
    course.content_hash = digest.hexdigest()
    return course


def _cross_check(
    courses: list[LoadedCourse], program: ProgramSpec, program_file: Path, problems: list[Problem]
) -> None:
    """What one file cannot know alone: included modules exist, action types are defined,
    badges name real courses."""
    shared = {c.spec.slug for c in courses if c.spec.track == Track.shared}
    slugs = {c.spec.slug for c in courses}
    for index, badge in enumerate(program.badges):
        if not has_icon(badge.icon_key):
            where = "icon" if badge.icon else "key"
            problems.append(
                Problem(program_file, f"badges.{index}.{where}",
                        f"no icon {badge.icon_key!r} in static/img/badges/icons")
            )  # fmt: skip
        wanted = badge.criterion.course
        if wanted is not None and wanted not in slugs:
            problems.append(
                Problem(program_file, f"badges.{index}.criterion.course", f"no course {wanted!r}")
            )
    actions = {action.key for action in program.action_types}
    for course in courses:
        course_file = course.path / COURSE_FILE
        for index, slug in enumerate(course.spec.includes):
            if slug not in shared:
                problems.append(
                    Problem(course_file, f"includes.{index}", f"no shared module {slug!r}")
                )
        for lesson in course.lessons.values():
            for version in lesson.versions.values():
                action = version.spec.action
                if action is not None and action not in actions:
                    known = ", ".join(sorted(actions)) or "none defined in program.yaml"
                    problems.append(
                        Problem(version.path, "action", f"unknown action type {action!r} ({known})")
                    )


def load_program(root: Path) -> ProgramSpec:
    """Only the program rules, for the running app (course files are read by sync)."""
    problems: list[Problem] = []
    path = root / PROGRAM_FILE
    if not path.is_file():
        raise CourseFileError([Problem(path, "", "program rules file is missing")])
    program = _validate(ProgramSpec, path.read_text(encoding="utf-8"), path, problems)
    if program is None:
        raise CourseFileError(problems)
    return program


def load_catalog(root: Path) -> Catalog:
    """Loads and validates everything under ``root``; raises CourseFileError listing all problems."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise CourseFileError([Problem(root, "", "courses folder not found")])
    program_file = root / PROGRAM_FILE
    program = None
    if program_file.is_file():
        program = _validate(
            ProgramSpec, program_file.read_text(encoding="utf-8"), program_file, problems
        )
    else:
        problems.append(Problem(program_file, "", "program rules file is missing"))
    courses = []
    for folder in sorted(p for p in root.iterdir() if (p / COURSE_FILE).is_file()):
        course = load_course(folder, problems)
        if course is not None:
            courses.append(course)
    if program is not None:
        _cross_check(courses, program, program_file, problems)
    if problems or program is None:
        raise CourseFileError(problems)
    return Catalog(courses=courses, program=program, missing=missing_translations(courses))
