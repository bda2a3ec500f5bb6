"""What a report covers (:class:`Scope`), as SQL conditions every figure shares.

People are picked with ``IN (subquery)``, never by joining memberships, so a learner in
two cohorts is one learner and each record is counted once. A period is whole days in
UTC, both ends included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select

from localleaders.models import (
    ActionStatus,
    CohortCourse,
    CohortMember,
    CommunityAction,
    Course,
    Lesson,
    Role,
    Track,
    User,
)

GENDERS = ("female", "male", "other", "not_stated")
"""Self-reported, optional: anything but the first three (None included) is "not stated"."""


@dataclass(frozen=True)
class Scope:
    """What a report covers. ``cohort_ids`` None is the whole program, records that
    belong to no cohort included; an empty tuple covers nothing."""

    cohort_ids: tuple[int, ...] | None = None
    start: date | None = None
    end: date | None = None
    track: str | None = None


def gender_key(value: str | None) -> str:
    return value if value in GENDERS[:3] else "not_stated"


def by_gender(rows: Iterable[tuple[str | None, Any]]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(GENDERS, 0)
    for gender, value in rows:
        counts[gender_key(gender)] += int(value)
    return counts


# --- the scope as SQL conditions ----------------------------------------------------------


def days(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    found = []
    if scope.start is not None:
        found.append(column >= scope.start)
    if scope.end is not None:
        found.append(column <= scope.end)
    return found


def times(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    found = []
    if scope.start is not None:
        found.append(column >= datetime.combine(scope.start, time(), UTC))
    if scope.end is not None:
        found.append(column < datetime.combine(scope.end + timedelta(days=1), time(), UTC))
    return found


def learners(scope: Scope) -> Any:
    """Ids of the learners in scope: learner accounts, members of the cohorts if any."""
    query = select(User.id).where(User.role == Role.learner.value)
    if scope.cohort_ids is not None:
        members = select(CohortMember.user_id).where(
            col(CohortMember.cohort_id).in_(scope.cohort_ids)
        )
        query = query.where(col(User.id).in_(members))
    return query


def track_lessons(scope: Scope) -> list[ColumnElement[bool]]:
    """Lessons of the track's courses; shared courses count for every track."""
    if scope.track is None:
        return []
    courses = select(Course.id).where(col(Course.track).in_((scope.track, Track.shared.value)))
    return [col(Lesson.course_id).in_(courses)]


def cohort_records(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    """Actions and consultations of the cohorts in scope; with a track, of the cohorts
    that take at least one course of it."""
    found = []
    if scope.cohort_ids is not None:
        found.append(column.in_(scope.cohort_ids))
    if scope.track is not None:
        taking = (
            select(CohortCourse.cohort_id)
            .join(Course, col(Course.id) == col(CohortCourse.course_id))
            .where(Course.track == scope.track)
        )
        found.append(column.in_(taking))
    return found


def verified(scope: Scope) -> list[ColumnElement[bool]]:
    return [
        col(CommunityAction.status) == ActionStatus.verified.value,
        *days(CommunityAction.happened_on, scope),
        *cohort_records(CommunityAction.cohort_id, scope),
    ]
