"""A learner's own standing: points, level and the history of what earned them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from localleaders.catalog.program import LevelSpec
from localleaders.gamification.ledger import total_points
from localleaders.gamification.levels import LevelProgress, level_for
from localleaders.models import Course, Lesson, LessonCompletion, PointEntry, User
from localleaders.services.consultations import LearnerConsultation, of_learner
from localleaders.services.content import pick_title

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Standing:
    points: int
    level: LevelProgress
    lessons_completed: int


@dataclass(frozen=True)
class HistoryRow:
    entry: PointEntry
    # What the points were for, in the reader's language where the source is a lesson.
    subject: str
    subject_lang: str | None


@dataclass(frozen=True)
class ProfileView:
    user: User
    standing: Standing
    history: list[HistoryRow]
    consultations: list[LearnerConsultation]


def _lesson_id(source_key: str) -> int | None:
    kind, _, number = source_key.partition(":")
    return int(number) if kind in ("lesson", "quiz") and number.isdigit() else None


def _history_rows(session: Session, entries: list[PointEntry], locale: str) -> list[HistoryRow]:
    ids = {i for i in (_lesson_id(e.source_key) for e in entries) if i is not None}
    titles: dict[int | None, tuple[str, str]] = {}
    if ids:
        rows = session.exec(
            select(Lesson.id, Lesson.title, Lesson.titles, Course.language)  # type: ignore[call-overload]
            .join(Course, col(Course.id) == col(Lesson.course_id))
            .where(col(Lesson.id).in_(ids))
        )
        titles = {lid: pick_title(names, locale, main, title) for lid, title, names, main in rows}
    history = []
    for entry in entries:
        found = titles.get(_lesson_id(entry.source_key))
        if found:
            history.append(HistoryRow(entry, found[0], found[1]))
        else:
            history.append(HistoryRow(entry, entry.note, None))
    return history


def standing(session: Session, *, user_id: int, levels: list[LevelSpec]) -> Standing:
    points = total_points(session, user_id)
    lessons = session.exec(
        select(func.count())
        .select_from(LessonCompletion)
        .where(LessonCompletion.user_id == user_id)
    ).one()
    return Standing(points, level_for(points, levels), lessons)


def profile(session: Session, *, user: User, levels: list[LevelSpec], locale: str) -> ProfileView:
    assert user.id is not None
    history = session.exec(
        select(PointEntry)
        .where(PointEntry.user_id == user.id)
        .order_by(col(PointEntry.created_at).desc(), col(PointEntry.id).desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return ProfileView(
        user,
        standing(session, user_id=user.id, levels=levels),
        _history_rows(session, list(history), locale),
        of_learner(session, learner_id=user.id),
    )
