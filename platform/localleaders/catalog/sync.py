"""Loads the validated catalogue into the database, idempotently and in one transaction.

Slugs are identities: an edited lesson is updated in place (so progress survives), and a
lesson or course that disappeared from the files is unpublished, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from localleaders.catalog.loader import Catalog, LoadedCourse
from localleaders.catalog.markdown import render_markdown
from localleaders.models import Course, Lesson, Module


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


def _sync_course(session: Session, loaded: LoadedCourse, position: int, report: SyncReport) -> None:
    spec = loaded.spec
    existing_course = session.exec(select(Course).where(Course.slug == spec.slug)).first()
    courses = {spec.slug: existing_course} if existing_course else {}
    course = _upsert(
        session,
        courses,
        Course,
        spec.slug,
        {
            "title": spec.title,
            "track": spec.track,
            "language": spec.language,
            "summary": spec.summary,
            "position": position,
            "is_published": True,
            "lesson_count": len(loaded.lessons),
            "content_hash": loaded.content_hash,
        },
        f"course {spec.slug}",
        report,
    )
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
                "title": module_spec.title,
                "summary": module_spec.summary,
                "position": module_position,
                "is_published": True,
            },
            f"module {spec.slug}/{module_spec.slug}",
            report,
        )
        for slug in module_spec.lessons:
            lesson = loaded.lessons[slug]
            quiz = lesson.spec.quiz.model_dump() if lesson.spec.quiz else None
            _upsert(
                session,
                lessons,
                Lesson,
                slug,
                {
                    "course_id": course.id,
                    "module_id": module.id,
                    "title": lesson.spec.title,
                    "minutes": lesson.spec.minutes,
                    "points": lesson.spec.points,
                    "position": lesson_position,
                    "body_html": render_markdown(lesson.body),
                    "practice_html": render_markdown(lesson.spec.practice),
                    "quiz": quiz,
                    "is_published": True,
                },
                f"lesson {spec.slug}/{slug}",
                report,
            )
            lesson_position += 1
    leftovers: list[Module | Lesson] = [*modules.values(), *lessons.values()]
    for leftover in leftovers:
        if leftover.is_published:
            leftover.is_published = False
            report.unpublished.append(f"{type(leftover).__name__.lower()} {leftover.slug}")


def sync_catalog(session: Session, catalog: Catalog) -> SyncReport:
    """Brings the database in line with ``catalog``. The caller owns the transaction."""
    report = SyncReport()
    for position, loaded in enumerate(catalog.courses):
        _sync_course(session, loaded, position, report)
    slugs = {loaded.spec.slug for loaded in catalog.courses}
    for course in session.exec(select(Course).where(Course.is_published)):
        if course.slug not in slugs:
            course.is_published = False
            report.unpublished.append(f"course {course.slug}")
    session.flush()
    return report
