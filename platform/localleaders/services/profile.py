"""A learner's own standing: points, level and the history of what earned them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from localleaders.catalog.schemas import LevelSpec
from localleaders.gamification.ledger import total_points
from localleaders.gamification.levels import LevelProgress, level_for
from localleaders.models import LessonCompletion, PointEntry, User

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Standing:
    points: int
    level: LevelProgress
    lessons_completed: int


@dataclass(frozen=True)
class ProfileView:
    user: User
    standing: Standing
    history: list[PointEntry]


def standing(session: Session, *, user_id: int, levels: list[LevelSpec]) -> Standing:
    points = total_points(session, user_id)
    lessons = session.exec(
        select(func.count())
        .select_from(LessonCompletion)
        .where(LessonCompletion.user_id == user_id)
    ).one()
    return Standing(points, level_for(points, levels), lessons)


def profile(session: Session, *, user: User, levels: list[LevelSpec]) -> ProfileView:
    assert user.id is not None
    history = session.exec(
        select(PointEntry)
        .where(PointEntry.user_id == user.id)
        .order_by(col(PointEntry.created_at).desc(), col(PointEntry.id).desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return ProfileView(user, standing(session, user_id=user.id, levels=levels), list(history))
