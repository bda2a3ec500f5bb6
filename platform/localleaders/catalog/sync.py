"""Loads the validated catalogue into the database, idempotently and in one transaction.

Slugs are identities: an edited lesson is updated in place (so progress survives), and a
lesson or course that disappeared from the files is unpublished, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from localleaders.catalog.loader import Catalog, LoadedCourse, LoadedLesson, merge_texts
from localleaders.catalog.markdown import render_markdown
from localleaders.catalog.program import PointRules
from localleaders.catalog.schemas import LessonSpec, texts_of
from localleaders.models import Course, Lesson, LessonText, Module
from localleaders.models.base import utcnow


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.unpublished)


def _apply(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert(
    session: Session,
    existing: dict[str, Any],
    model: type,
    key: str,
    values: dict[str, Any],
    label: str,
    report: SyncReport,
) -> Any:
    row = existing.pop(key, None)
    if row is None:
        row = model(slug=key, **values)
        session.add(row)
        report.created.append(label)
    elif _apply(row, values):
        report.updated.append(label)
    session.flush()
    return row


def _quiz_texts(spec: LessonSpec) -> dict[str, Any] | None:
    if spec.quiz is None:
        return None
    return {
        "questions": [
            {
                "text": question.text,
                "choices": [choice.text for choice in question.choices],
                "explanation": question.explanation,
            }
            for question in spec.quiz.questions
        ]
    }


def _sync_texts(session: Session, lesson: Lesson, loaded: LoadedLesson) -> bool:
    """One lesson_text row per language the lesson is written in; others are removed."""
    assert lesson.id is not None
    rows = {
        row.language: row
        for row in session.exec(select(LessonText).where(LessonText.lesson_id == lesson.id))
    }
    changed = False
    for language, version in loaded.versions.items():
        values: dict[str, Any] = {
            "title": version.spec.title,
            "body_html": render_markdown(version.body),
            "practice_html": render_markdown(version.spec.practice),
            "quiz_texts": _quiz_texts(version.spec),
        }
        row = rows.pop(language, None)
        if row is None:
            session.add(LessonText(lesson_id=lesson.id, language=language, **values))
            changed = True
        else:
            changed |= _apply(row, values)
    for row in rows.values():
        session.delete(row)
        changed = True
    return changed


def _sync_course(
    session: Session, loaded: LoadedCourse, position: int, lesson_count: int, report: SyncReport,
    points: PointRules,
) -> None:  # fmt: skip
    spec = loaded.spec
    main = spec.language
    existing_course = session.exec(select(Course).where(Course.slug == spec.slug)).first()
    previous_hash = existing_course.content_hash if existing_course else ""
    courses = {spec.slug: existing_course} if existing_course else {}
    course = _upsert(
        session,
        courses,
        Course,
        spec.slug,
        {
            "title": texts_of(spec.title, main)[main],
            "track": spec.track,
            "language": main,
            "summary": texts_of(spec.summary, main).get(main, ""),
            "texts": loaded.texts(),
            "includes": list(spec.includes),
            "position": position,
            "is_published": True,
            "lesson_count": lesson_count,
            "content_hash": loaded.content_hash,
        },
        f"course {spec.slug}",
        report,
    )
    if existing_course is not None and previous_hash != loaded.content_hash:
        course.synced_at = utcnow()  # the live version changed: "published at" moves
        session.add(course)
    modules = {m.slug: m for m in session.exec(select(Module).where(Module.course_id == course.id))}
    lessons = {
        les.slug: les for les in session.exec(select(Lesson).where(Lesson.course_id == course.id))
    }
    lesson_position = 0
    for module_position, module_spec in enumerate(spec.modules):
        module = _upsert(
            session,
            modules,
            Module,
            module_spec.slug,
            {
                "course_id": course.id,
                "title": texts_of(module_spec.title, main)[main],
                "summary": texts_of(module_spec.summary, main).get(main, ""),
                "texts": merge_texts(module_spec.title, module_spec.summary, main),
                "position": module_position,
                "is_published": True,
            },
            f"module {spec.slug}/{module_spec.slug}",
            report,
        )
        for slug in module_spec.lessons:
            lesson = loaded.lessons[slug]
            quiz = lesson.spec.quiz.model_dump() if lesson.spec.quiz else None
            if quiz is not None and quiz["points"] is None:
                quiz["points"] = points.quiz_passed
            label = f"lesson {spec.slug}/{slug}"
            row = _upsert(
                session,
                lessons,
                Lesson,
                slug,
                {
                    "course_id": course.id,
                    "module_id": module.id,
                    "title": lesson.spec.title,
                    "minutes": lesson.spec.minutes,
                    "points": points.lesson_completed
                    if lesson.spec.points is None
                    else lesson.spec.points,
                    "action": lesson.spec.action,
                    "position": lesson_position,
                    "quiz": quiz,
                    "titles": {lang: v.spec.title for lang, v in lesson.versions.items()},
                    "is_published": True,
                },
                label,
                report,
            )
            if _sync_texts(session, row, lesson) and label not in report.created + report.updated:
                report.updated.append(label)
            lesson_position += 1
    leftovers: list[Module | Lesson] = [*modules.values(), *lessons.values()]
    for leftover in leftovers:
        if leftover.is_published:
            leftover.is_published = False
            report.unpublished.append(f"{type(leftover).__name__.lower()} {leftover.slug}")


def sync_catalog(session: Session, catalog: Catalog) -> SyncReport:
    """Brings the database in line with ``catalog``. The caller owns the transaction."""
    report = SyncReport()
    own = {loaded.spec.slug: len(loaded.lessons) for loaded in catalog.courses}
    for position, loaded in enumerate(catalog.courses):
        count = own[loaded.spec.slug] + sum(own[slug] for slug in loaded.spec.includes)
        _sync_course(session, loaded, position, count, report, catalog.program.points)
    slugs = {loaded.spec.slug for loaded in catalog.courses}
    for course in session.exec(select(Course).where(Course.is_published)):
        if course.slug not in slugs:
            course.is_published = False
            report.unpublished.append(f"course {course.slug}")
    session.flush()
    return report
