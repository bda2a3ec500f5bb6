"""Learning figures: lessons completed and their minutes, learners active, leaders trained."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import union
from sqlmodel import Session, col, func, select

from localleaders.models import (
    ActionStatus,
    CommunityAction,
    Course,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Track,
    User,
)
from localleaders.reports.scope import (
    GENDERS,
    Scope,
    by_gender,
    cohort_records,
    gender_key,
    learners,
    times,
    track_lessons,
)


def lessons(session: Session, scope: Scope) -> tuple[int, int]:
    """(lessons completed, their minutes) by the learners in scope."""
    count, minutes = session.exec(
        select(func.count(), func.coalesce(func.sum(Lesson.minutes), 0))
        .select_from(LessonCompletion)
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .where(
            col(LessonCompletion.user_id).in_(learners(scope)),
            *times(LessonCompletion.completed_at, scope),
            *track_lessons(scope),
        )
    ).one()
    return int(count), int(minutes)


def active_learners(session: Session, scope: Scope) -> dict[str, int]:
    """Learners with a completion, a quiz attempt or a submitted action in the period,
    by gender. ``union`` drops duplicates, so each person counts once."""
    on_track = track_lessons(scope)
    completions: Any = (
        select(col(LessonCompletion.user_id).label("user_id"))
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .where(*times(LessonCompletion.completed_at, scope), *on_track)
    )
    attempts: Any = (
        select(col(QuizAttempt.user_id).label("user_id"))
        .join(Lesson, col(Lesson.id) == col(QuizAttempt.lesson_id))
        .where(*times(QuizAttempt.created_at, scope), *on_track)
    )
    actions: Any = select(col(CommunityAction.user_id).label("user_id")).where(
        CommunityAction.status != ActionStatus.draft.value,
        col(CommunityAction.submitted_at).is_not(None),
        *times(CommunityAction.submitted_at, scope),
        *cohort_records(CommunityAction.cohort_id, scope),
    )
    active = union(completions, attempts, actions).subquery()
    rows = session.exec(
        select(User.gender, func.count())
        .where(col(User.id).in_(select(active.c.user_id)), col(User.id).in_(learners(scope)))
        .group_by(col(User.gender))
    ).all()
    return by_gender(rows)


def _course_parts(session: Session, scope: Scope) -> dict[int, list[int]]:
    """Each published course of a track (of the chosen one, if any) with the courses whose
    lessons finishing it takes: its own, then the shared courses it includes."""
    courses = session.exec(select(Course).where(col(Course.is_published))).all()
    ids = {course.slug: course.id for course in courses}
    parts: dict[int, list[int]] = {}
    for course in courses:
        if course.track == Track.shared.value or scope.track not in (None, course.track):
            continue
        assert course.id is not None
        included = [ids[slug] for slug in course.includes if slug in ids]
        parts[course.id] = [course.id, *(cid for cid in included if cid is not None)]
    return parts


def trained_leaders(session: Session, scope: Scope) -> dict[str, int]:
    """Learners whose first finished course was finished in the period, by gender.

    A course is finished when every published lesson it counts (its own and those of the
    shared courses it includes, as ``Course.lesson_count``) is completed; it was finished
    at its last such completion. Grouped per learner and course in SQL, decided here.
    """
    parts = _course_parts(session, scope)
    needed = {cid for ids in parts.values() for cid in ids}
    published = dict(
        session.exec(
            select(Lesson.course_id, func.count())
            .where(col(Lesson.is_published), col(Lesson.course_id).in_(needed))
            .group_by(col(Lesson.course_id))
        ).all()
    )
    rows = session.exec(
        select(  # type: ignore[call-overload]
            User.id,
            User.gender,
            Lesson.course_id,
            func.count(),
            func.max(LessonCompletion.completed_at),
        )
        .select_from(LessonCompletion)
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .join(User, col(User.id) == col(LessonCompletion.user_id))
        .where(
            col(Lesson.is_published),
            col(Lesson.course_id).in_(needed),
            col(User.id).in_(learners(scope)),
        )
        .group_by(col(User.id), col(User.gender), col(Lesson.course_id))
    ).all()
    done: dict[int, dict[int, tuple[int, datetime]]] = defaultdict(dict)
    genders: dict[int, str | None] = {}
    for user_id, gender, course_id, count, last in rows:
        done[user_id][course_id] = (count, last)
        genders[user_id] = gender
    counts: dict[str, int] = dict.fromkeys(GENDERS, 0)
    for user_id, progress in done.items():
        first = _first_finish(progress, parts, published)
        if first is not None and _in_period(first, scope):
            counts[gender_key(genders[user_id])] += 1
    return counts


def _first_finish(
    progress: dict[int, tuple[int, datetime]],
    parts: dict[int, list[int]],
    published: dict[int, int],
) -> datetime | None:
    finishes = []
    for course_parts in parts.values():
        wanted = [cid for cid in course_parts if published.get(cid, 0) > 0]
        if wanted and all(progress.get(cid, (0,))[0] >= published[cid] for cid in wanted):
            finishes.append(max(progress[cid][1] for cid in wanted))
    return min(finishes, default=None)


def _in_period(moment: datetime, scope: Scope) -> bool:
    day = moment.astimezone(UTC).date()
    return (scope.start is None or day >= scope.start) and (scope.end is None or day <= scope.end)
