"""Checks that relate the languages of a course: a translation must keep the main file's
structure, and every text should exist in every language the platform speaks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from localleaders.catalog.problems import Problem
from localleaders.catalog.schemas import LessonSpec, texts_of
from localleaders.i18n import LOCALES

if TYPE_CHECKING:
    from localleaders.catalog.loader import LoadedCourse

LANGUAGE_LABELS = {"be": "Belarusian", "ru": "Russian", "en": "English"}
# Settings that belong to the lesson, not to a language: a translation may repeat them
# (authors copy the main file), but then they must be the same.
SHARED_FIELDS = ("minutes", "points", "action")


def structure_problems(main: LessonSpec, translation: LessonSpec, path: Path) -> list[Problem]:
    problems = []

    def differs(field: str, message: str) -> None:
        problems.append(Problem(path, field, f"{message} (must match the main file)"))

    for name in SHARED_FIELDS:
        if name in translation.model_fields_set and getattr(translation, name) != getattr(
            main, name
        ):
            differs(name, f"{name} is {getattr(translation, name)!r}, not {getattr(main, name)!r}")
    if bool(main.practice) != bool(translation.practice):
        differs("practice", "the practice task is missing" if main.practice else "extra practice")
    if (main.quiz is None) != (translation.quiz is None):
        differs("quiz", "the quiz is missing" if main.quiz else "extra quiz")
    if main.quiz is None or translation.quiz is None:
        return problems
    for name in ("pass_percent", "points"):
        if name in translation.quiz.model_fields_set and getattr(translation.quiz, name) != getattr(
            main.quiz, name
        ):
            differs(f"quiz.{name}", f"{name} differs")
    ours, theirs = main.quiz.questions, translation.quiz.questions
    if len(ours) != len(theirs):
        differs("quiz.questions", f"{len(theirs)} questions, not {len(ours)}")
        return problems
    for number, (question, translated) in enumerate(zip(ours, theirs, strict=True)):
        field = f"quiz.questions.{number}"
        if len(question.choices) != len(translated.choices):
            differs(
                f"{field}.choices",
                f"{len(translated.choices)} choices, not {len(question.choices)}",
            )
        elif [c.correct for c in question.choices] != [c.correct for c in translated.choices]:
            differs(f"{field}.choices", "correct: true is on other choices")
        if bool(question.explanation) != bool(translated.explanation):
            differs(f"{field}.explanation", "the explanation is missing or extra")
    return problems


def _missing(versions: dict[str, str], file: Path, field: str) -> list[Problem]:
    return [
        Problem(file, field, f"no {LANGUAGE_LABELS[language]} ({language}) version")
        for language in LOCALES
        if language not in versions
    ]


def missing_translations(courses: list[LoadedCourse]) -> list[Problem]:
    """Every text that has no version in some language, course by course."""
    found: list[Problem] = []
    for course in courses:
        spec, file = course.spec, course.path / "course.yaml"
        main = spec.language
        found += _missing(texts_of(spec.title, main), file, "title")
        if spec.summary:
            found += _missing(texts_of(spec.summary, main), file, "summary")
        for index, module in enumerate(spec.modules):
            found += _missing(texts_of(module.title, main), file, f"modules.{index}.title")
            if module.summary:
                found += _missing(texts_of(module.summary, main), file, f"modules.{index}.summary")
        for lesson in course.lessons.values():
            for language in LOCALES:
                if language not in lesson.versions:
                    name = f"{lesson.slug}.{language}.md"
                    found.append(
                        Problem(
                            lesson.path,
                            "",
                            f"no {LANGUAGE_LABELS[language]} ({language}) version: write {name}",
                        )
                    )
    return found
