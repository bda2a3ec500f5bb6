"""The trainer's workspace: the cohorts on their desk, one cohort's progress, one learner.

Every view here starts from ``cohorts.for_trainer`` (or ``trained_by``), so a trainer
never reads anything of a cohort they do not run. Trainers see display names and
usernames, never e-mail addresses; a learner's lessons, quizzes and points in detail only
within the cohort's courses (the points total and the last-activity date cover all), and
their community actions and consultations only within the cohort. A draft action is the
learner's own until submitted: trainers never see one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import union
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import LevelSpec
from localleaders.models import (
    ActionStatus,
    Cohort,
    CohortMember,
    CommunityAction,
    Consultation,
    Lesson,
    LessonCompletion,
    Module,
    PointEntry,
    QuizAttempt,
    User,
)
from localleaders.models.base import utcnow
from localleaders.services import cohorts
from localleaders.services import progress_matrix as matrix
from localleaders.services.actions import waiting_counts
from localleaders.services.catalogue import CourseView, course_view
from localleaders.services.profile import Standing, standing

ACTIVE_DAYS = 7
TIMELINE_LIMIT = 100


# --- "My cohorts" -----------------------------------------------------------------------


@dataclass(frozen=True)
class CohortCard:
    cohort: Cohort
    learners: int
    active_this_week: int
    lessons_completed: int
    waiting: int  # actions submitted and not yet reviewed


def _grouped(session: Session, query: object) -> dict[int, int]:
    return {key: value for key, value in session.exec(query).all()}  # type: ignore[call-overload]


def _lessons_completed(session: Session, cohort_ids: list[int]) -> dict[int, int]:
    """Completions by each cohort's members in its courses and the shared courses those
    include: one grouped query, then summed over each cohort's set of courses."""
    courses = matrix.course_set(session, cohort_ids=cohort_ids)
    rows = session.exec(
        select(CohortMember.cohort_id, LessonCompletion.course_id, func.count())
        .join(LessonCompletion, col(LessonCompletion.user_id) == col(CohortMember.user_id))
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .join(Module, col(Module.id) == col(Lesson.module_id))
        .where(col(CohortMember.cohort_id).in_(cohort_ids))
        .where(col(Lesson.is_published), col(Module.is_published))
        .group_by(col(CohortMember.cohort_id), col(LessonCompletion.course_id))
    ).all()
    wanted = {cid: {course.id for course, _by in found} for cid, found in courses.items()}
    totals = dict.fromkeys(cohort_ids, 0)
    for cohort_id, course_id, count in rows:
        if course_id in wanted[cohort_id]:
            totals[cohort_id] += count
    return totals


def dashboard(session: Session, *, user: User, archived: bool = False) -> list[CohortCard]:
    """The cohorts a trainer runs (admins: all) with their counts, in a fixed number of
    grouped queries however many cohorts there are."""
    found = cohorts.trained_by(session, user=user, archived=archived)
    ids = [cohort.id for cohort in found if cohort.id is not None]
    if not ids:
        return []
    in_cohorts = col(CohortMember.cohort_id).in_(ids)
    learners = _grouped(
        session,
        select(CohortMember.cohort_id, func.count())
        .where(in_cohorts)
        .group_by(col(CohortMember.cohort_id)),
    )
    since = utcnow() - timedelta(days=ACTIVE_DAYS)
    recent = union(
        select(LessonCompletion.user_id).where(col(LessonCompletion.completed_at) >= since),
        select(QuizAttempt.user_id).where(col(QuizAttempt.created_at) >= since),
    ).subquery()
    active = _grouped(
        session,
        select(CohortMember.cohort_id, func.count(col(CohortMember.user_id).distinct()))
        .where(in_cohorts, col(CohortMember.user_id).in_(select(recent.c.user_id)))
        .group_by(col(CohortMember.cohort_id)),
    )
    done = _lessons_completed(session, ids)
    waiting = waiting_counts(session, cohort_ids=ids)
    return [
        CohortCard(cohort, *(counts.get(cid, 0) for counts in (learners, active, done, waiting)))
        for cohort in found
        if (cid := cohort.id or 0)
    ]


# --- one cohort ------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseLine:
    course: CourseView
    due_on: date | None


@dataclass(frozen=True)
class CohortProgress:
    cohort: Cohort
    courses: list[CourseLine]
    trainers: list[str]
    columns: matrix.Columns
    summary: matrix.Summary
    matrix: matrix.MatrixPage
    waiting: int  # actions of the cohort waiting for review


def cohort_progress(
    session: Session, *, user: User, cohort_id: int, locale: str, page: int = 1,
    sort: str = "name", direction: str = "asc",
) -> CohortProgress:  # fmt: skip
    cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
    columns = matrix.lesson_columns(session, cohort=cohort, locale=locale)
    summary = matrix.summary(session, cohort=cohort, columns=columns)
    rows = matrix.page(session, cohort=cohort, columns=columns, number=page, sort=sort,
                       direction=direction, total=summary.learners)  # fmt: skip
    return CohortProgress(
        cohort=cohort,
        courses=[
            CourseLine(course_view(course, locale), link.due_on)
            for course, link in cohorts.courses_of(session, cohort_id=cohort_id)
        ],
        trainers=[t.display_name for t in cohorts.trainers_of(session, cohort_id=cohort_id)],
        columns=columns,
        summary=summary,
        matrix=rows,
        waiting=waiting_counts(session, cohort_ids=[cohort_id]).get(cohort_id, 0),
    )


# --- one learner -----------------------------------------------------------------------

Kind = Literal["lesson", "quiz", "points", "action", "consultation"]


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: Kind
    lesson: matrix.LessonColumn | None = None
    course: CourseView | None = None
    correct: int = 0
    total: int = 0
    passed: bool = False
    amount: int = 0
    reason: str = ""
    action: CommunityAction | None = None  # an action, or the one a points award is for
    consultation: Consultation | None = None
    trainer: str = ""  # who held the consultation

    @property
    def percent(self) -> int:
        return self.correct * 100 // self.total if self.total else 0

    @property
    def on_day(self) -> bool:
        """Actions and consultations carry the day they happened, not a moment."""
        return self.kind in ("action", "consultation")


LessonState = tuple[matrix.LessonColumn, matrix.Cell]


@dataclass(frozen=True)
class LearnerDetail:
    cohort: Cohort
    row: matrix.LearnerRow
    columns: matrix.Columns
    standing: Standing
    timeline: list[TimelineItem]

    @property
    def progress(self) -> list[tuple[matrix.CourseColumns, list[LessonState]]]:
        """Each course's lessons with this learner's cell, for the per-lesson table."""
        cells = dict(zip(self.columns.lesson_ids, self.row.cells, strict=True))
        return [
            (group, [(lesson, cells[lesson.id]) for lesson in group.lessons])
            for group in self.columns.courses
        ]


def _day(value: date) -> datetime:
    """A day sorts as its first moment (UTC), after what was timed later that day."""
    return datetime.combine(value, time.min, tzinfo=UTC)


def _learning(session: Session, user_id: int, columns: matrix.Columns) -> list[TimelineItem]:
    """Completions, quiz attempts and point awards in the cohort's lessons."""
    where = {
        lesson.id: (lesson, group.course) for group in columns.courses for lesson in group.lessons
    }
    ids = list(where)
    completions = session.exec(
        select(LessonCompletion)
        .where(LessonCompletion.user_id == user_id, col(LessonCompletion.lesson_id).in_(ids))
        .order_by(col(LessonCompletion.completed_at).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    attempts = session.exec(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, col(QuizAttempt.lesson_id).in_(ids))
        .order_by(col(QuizAttempt.created_at).desc(), col(QuizAttempt.id).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    keys = {f"{kind}:{lid}": lid for lid in ids for kind in ("lesson", "quiz")}
    awards = session.exec(
        select(PointEntry)
        .where(PointEntry.user_id == user_id, col(PointEntry.source_key).in_(keys))
        .order_by(col(PointEntry.created_at).desc(), col(PointEntry.id).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    items = [TimelineItem(c.completed_at, "lesson", *where[c.lesson_id]) for c in completions]
    items += [
        TimelineItem(a.created_at, "quiz", *where[a.lesson_id], correct=a.correct,
                     total=a.total, passed=a.passed)
        for a in attempts
    ]  # fmt: skip
    items += [
        TimelineItem(
            e.created_at, "points", *where[keys[e.source_key]], amount=e.amount, reason=e.reason
        )
        for e in awards
    ]
    return items


def _actions(session: Session, user_id: int, cohort_id: int) -> list[TimelineItem]:
    """The learner's actions in this cohort, never drafts, and the points they brought."""
    found = session.exec(
        select(CommunityAction)
        .where(
            CommunityAction.user_id == user_id,
            CommunityAction.cohort_id == cohort_id,
            CommunityAction.status != ActionStatus.draft.value,
        )
        .order_by(col(CommunityAction.happened_on).desc(), col(CommunityAction.id).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    by_id = {action.id: action for action in found}
    awards = session.exec(
        select(PointEntry)
        .where(PointEntry.user_id == user_id, col(PointEntry.source_key).startswith("action:"))
        .order_by(col(PointEntry.created_at).desc(), col(PointEntry.id).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    items = [TimelineItem(_day(a.happened_on), "action", action=a) for a in found]
    for entry in awards:
        action_id = entry.source_key.split(":")[1]
        action = by_id.get(int(action_id)) if action_id.isdigit() else None
        if action is not None:
            items.append(TimelineItem(entry.created_at, "points", amount=entry.amount,
                                      reason=entry.reason, action=action))  # fmt: skip
    return items


def _consultations(session: Session, user_id: int, cohort_id: int) -> list[TimelineItem]:
    """Consultations in this cohort with the trainer's display name, private note included:
    trainers may read each other's notes on the learners they share."""
    found = session.exec(
        select(Consultation, User.display_name)
        .outerjoin(User, col(User.id) == col(Consultation.trainer_id))
        .where(Consultation.learner_id == user_id, Consultation.cohort_id == cohort_id)
        .order_by(col(Consultation.held_on).desc(), col(Consultation.id).desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    return [
        TimelineItem(_day(item.held_on), "consultation", consultation=item, trainer=name or "")
        for item, name in found
    ]


def _timeline(
    session: Session, user_id: int, cohort_id: int, columns: matrix.Columns
) -> list[TimelineItem]:
    """Newest first, in a fixed number of queries: learning in the cohort's lessons, and
    the actions and consultations of this cohort."""
    items = _learning(session, user_id, columns)
    items += _actions(session, user_id, cohort_id)
    items += _consultations(session, user_id, cohort_id)
    # Which came first at one moment: the attempt, then the completion, then its points.
    order = {"quiz": 0, "lesson": 1, "points": 2, "action": 3, "consultation": 4}
    items.sort(key=lambda item: (item.at, order[item.kind]), reverse=True)
    return items[:TIMELINE_LIMIT]


def learner_detail(
    session: Session, *, user: User, cohort_id: int, user_id: int, locale: str,
    levels: list[LevelSpec],
) -> LearnerDetail:  # fmt: skip
    cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
    learner = cohorts.member_in_cohort(session, cohort=cohort, user_id=user_id)
    assert learner.id is not None and cohort.id is not None
    columns = matrix.lesson_columns(session, cohort=cohort, locale=locale)
    (row,) = matrix.learner_rows(session, cohort=cohort, columns=columns, user_id=learner.id)
    return LearnerDetail(
        cohort=cohort,
        row=row,
        columns=columns,
        standing=standing(session, user_id=learner.id, levels=levels),
        timeline=_timeline(session, learner.id, cohort.id, columns),
    )
