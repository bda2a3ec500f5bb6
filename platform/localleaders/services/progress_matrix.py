"""The progress matrix: a cohort's learners by its lessons, a page at a time.

A cohort can have hundreds of learners, so nothing here runs a query per learner: the
page's rows come from one grouped query (sorted and paged in the database), and their
cells and verified-action counts from three more over just that page's learners. The
number of statements for a page does not depend on how many learners it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Float, Subquery, case, cast, union_all
from sqlmodel import Session, col, func, select

from localleaders.models import (
    ActionStatus,
    Cohort,
    CohortCourse,
    CohortMember,
    CommunityAction,
    Course,
    Lesson,
    LessonCompletion,
    Module,
    QuizAttempt,
    User,
)
from localleaders.models.base import utcnow
from localleaders.services.catalogue import CourseView, course_view, module_view
from localleaders.services.content import pick_title

PAGE_SIZE = 50
INACTIVE_DAYS = 14
SORTS = ("name", "completion", "quiz", "activity")
Direction = Literal["asc", "desc"]


# --- the cohort's lessons: the matrix's columns -------------------------------------------


@dataclass(frozen=True)
class LessonColumn:
    id: int
    label: str  # short, for the column head: "2.3" is module 2, lesson 3
    title: str
    lang: str
    module_title: str
    has_quiz: bool


@dataclass
class CourseColumns:
    course: CourseView
    # Set for a shared course that comes in through another course's ``includes``.
    included_by: CourseView | None = None
    lessons: list[LessonColumn] = field(default_factory=list)


@dataclass(frozen=True)
class Columns:
    courses: list[CourseColumns]

    @property
    def lessons(self) -> list[LessonColumn]:
        return [lesson for course in self.courses for lesson in course.lessons]

    @property
    def lesson_ids(self) -> list[int]:
        return [lesson.id for lesson in self.lessons]

    @property
    def quiz_ids(self) -> list[int]:
        return [lesson.id for lesson in self.lessons if lesson.has_quiz]


def course_set(
    session: Session, *, cohort_ids: list[int]
) -> dict[int, list[tuple[Course, Course | None]]]:
    """Each cohort's courses in order, each followed by the shared courses it includes
    (once per cohort): (course, the cohort course that brought it in, or None)."""
    if not cohort_ids:
        return {}
    rows = session.exec(
        select(CohortCourse.cohort_id, Course)
        .join(Course, col(Course.id) == col(CohortCourse.course_id))
        .where(col(CohortCourse.cohort_id).in_(cohort_ids))
        .order_by(col(CohortCourse.position), col(Course.position))
    ).all()
    wanted = {slug for _cid, course in rows for slug in course.includes}
    shared = {
        course.slug: course
        for course in session.exec(select(Course).where(col(Course.slug).in_(wanted)))
    }
    result: dict[int, list[tuple[Course, Course | None]]] = {cid: [] for cid in cohort_ids}
    direct = {(cid, course.id) for cid, course in rows}
    for cohort_id, course in rows:
        found = result[cohort_id]
        items = [(course, None)] + [
            (shared[slug], course)
            for slug in course.includes
            if slug in shared and (cohort_id, shared[slug].id) not in direct
        ]
        for item, by in items:
            if all(other.id != item.id for other, _by in found):
                found.append((item, by))
    return result


def lesson_columns(session: Session, *, cohort: Cohort, locale: str) -> Columns:
    """The cohort's published lessons, grouped by course, in the order learners meet them."""
    assert cohort.id is not None
    courses = course_set(session, cohort_ids=[cohort.id])[cohort.id]
    ids = [course.id for course, _by in courses]
    modules = list(
        session.exec(
            select(Module)
            .where(col(Module.course_id).in_(ids), col(Module.is_published))
            .order_by(col(Module.course_id), col(Module.position))
        )
    )
    lessons = session.exec(
        select(  # type: ignore[call-overload]
            Lesson.id, Lesson.module_id, Lesson.title, Lesson.titles, Lesson.quiz
        )
        .where(col(Lesson.course_id).in_(ids), col(Lesson.is_published))
        .order_by(col(Lesson.position))
    ).all()
    by_module: dict[int, list[Any]] = {}
    for row in lessons:
        by_module.setdefault(row[1], []).append(row)
    result = []
    for course, by in courses:
        group = CourseColumns(
            course_view(course, locale), course_view(by, locale) if by is not None else None
        )
        own = [module for module in modules if module.course_id == course.id]
        for number, module in enumerate(own, start=1):
            title = module_view(module, locale, course.language).title
            for index, (lid, _mid, name, titles, quiz) in enumerate(
                by_module.get(module.id or 0, []), start=1
            ):
                shown, lang = pick_title(titles, locale, course.language, name)
                label = f"{number}.{index}"
                group.lessons.append(LessonColumn(lid, label, shown, lang, title, quiz is not None))
        if group.lessons:
            result.append(group)
    return Columns(result)


# --- learners: the matrix's rows -------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    done: bool
    best: int | None  # best quiz score in percent, None if never tried


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    display_name: str
    username: str
    joined_at: datetime
    done: int
    percent: int
    quiz: int | None  # average of the best scores over the quizzes tried
    last_activity: datetime | None
    inactive: bool
    cells: list[Cell]
    verified_actions: int = 0  # community actions verified in this cohort


@dataclass(frozen=True)
class Summary:
    learners: int
    average_percent: int
    inactive: int


@dataclass(frozen=True)
class MatrixPage:
    rows: list[LearnerRow]
    page: int
    pages: int
    first: int  # 1-based position of the first row, for "learners 51–100 of 300"
    total: int
    sort: str
    direction: Direction

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def clean_sort(sort: str, direction: str) -> tuple[str, Direction]:
    """Unknown values fall back to the default rather than failing: links get shared."""
    chosen = sort if sort in SORTS else "name"
    return chosen, "desc" if direction == "desc" else "asc"


def cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=INACTIVE_DAYS)


def is_inactive(joined_at: datetime, last: datetime | None, limit: datetime) -> bool:
    """No learning in INACTIVE_DAYS, counting from joining: newcomers get time to start."""
    return max(joined_at, last or joined_at) < limit


def _aggregates(cohort_id: int, lesson_ids: list[int]) -> tuple[Subquery, Subquery, Subquery]:
    """Per member of the cohort: lessons done, average best quiz score, last activity.

    Lessons and quizzes count within the cohort's courses; activity is any learning."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    done = (
        select(LessonCompletion.user_id, func.count().label("done"))
        .where(col(LessonCompletion.user_id).in_(members))
        .where(col(LessonCompletion.lesson_id).in_(lesson_ids))
        .group_by(col(LessonCompletion.user_id))
        .subquery("done")
    )
    score = cast(QuizAttempt.correct, Float) * 100 / QuizAttempt.total
    best = (
        select(QuizAttempt.user_id, func.max(score).label("best"))
        .where(col(QuizAttempt.user_id).in_(members))
        .where(col(QuizAttempt.lesson_id).in_(lesson_ids))
        .group_by(col(QuizAttempt.user_id), col(QuizAttempt.lesson_id))
        .subquery("best")
    )
    quiz = (
        select(best.c.user_id, func.avg(best.c.best).label("quiz"))
        .group_by(best.c.user_id)
        .subquery("quiz")
    )
    moments = union_all(
        select(col(LessonCompletion.user_id).label("user_id"),
               col(LessonCompletion.completed_at).label("at"))
        .where(col(LessonCompletion.user_id).in_(members)),
        select(col(QuizAttempt.user_id), col(QuizAttempt.created_at))
        .where(col(QuizAttempt.user_id).in_(members)),
    ).subquery("moments")  # fmt: skip
    last = (
        select(moments.c.user_id, func.max(moments.c.at).label("last"))
        .group_by(moments.c.user_id)
        .subquery("last")
    )
    return done, quiz, last


def _learner_query(cohort_id: int, lesson_ids: list[int]) -> tuple[Any, dict[str, Any]]:
    done, quiz, last = _aggregates(cohort_id, lesson_ids)
    done_count = func.coalesce(done.c.done, 0)
    query = (
        select(  # type: ignore[call-overload]
            User.id, User.display_name, User.username, CohortMember.joined_at,
            done_count.label("done"), quiz.c.quiz, last.c.last,
        )
        .join(CohortMember, col(CohortMember.user_id) == col(User.id))
        .outerjoin(done, done.c.user_id == col(User.id))
        .outerjoin(quiz, quiz.c.user_id == col(User.id))
        .outerjoin(last, last.c.user_id == col(User.id))
        .where(CohortMember.cohort_id == cohort_id)
    )  # fmt: skip
    keys = {"completion": done_count, "quiz": quiz.c.quiz, "activity": last.c.last}
    return query, keys


def _ordered(query: Any, keys: dict[str, Any], sort: str, direction: Direction) -> Any:
    name = (col(User.display_name), col(User.username), col(User.id))
    if sort == "name":
        order = [key.desc() if direction == "desc" else key.asc() for key in name]
        return query.order_by(*order)
    key = keys[sort]
    # "Never" sorts as the lowest value on every database.
    first = key.desc().nulls_last() if direction == "desc" else key.asc().nulls_first()
    return query.order_by(first, *name)


def summary(session: Session, *, cohort: Cohort, columns: Columns) -> Summary:
    assert cohort.id is not None
    done, _quiz, last = _aggregates(cohort.id, columns.lesson_ids)
    limit = cutoff()
    quiet = (col(CohortMember.joined_at) < limit) & (last.c.last.is_(None) | (last.c.last < limit))
    learners, lessons_done, inactive = session.exec(
        select(  # type: ignore[call-overload]
            func.count(), func.coalesce(func.sum(done.c.done), 0),
            func.coalesce(func.sum(case((quiet, 1), else_=0)), 0),
        )
        .select_from(CohortMember)
        .outerjoin(done, done.c.user_id == col(CohortMember.user_id))
        .outerjoin(last, last.c.user_id == col(CohortMember.user_id))
        .where(CohortMember.cohort_id == cohort.id)
    ).one()  # fmt: skip
    lessons_done, inactive = int(lessons_done), int(inactive)  # PostgreSQL sums are numeric
    lesson_total = len(columns.lesson_ids)
    average = lessons_done * 100 // (learners * lesson_total) if learners and lesson_total else 0
    return Summary(learners, average, inactive)


def _cells(
    session: Session, user_ids: list[int], columns: Columns
) -> tuple[set[tuple[int, int]], dict[tuple[int, int], float]]:
    """Completions and best quiz scores of one page's learners: two grouped queries."""
    if not user_ids or not columns.lesson_ids:
        return set(), {}
    done = session.exec(
        select(LessonCompletion.user_id, LessonCompletion.lesson_id).where(
            col(LessonCompletion.user_id).in_(user_ids),
            col(LessonCompletion.lesson_id).in_(columns.lesson_ids),
        )
    ).all()
    best: dict[tuple[int, int], float] = {}
    if columns.quiz_ids:
        score = cast(QuizAttempt.correct, Float) * 100 / QuizAttempt.total
        rows = session.exec(
            select(QuizAttempt.user_id, QuizAttempt.lesson_id, func.max(score))
            .where(
                col(QuizAttempt.user_id).in_(user_ids),
                col(QuizAttempt.lesson_id).in_(columns.quiz_ids),
            )
            .group_by(col(QuizAttempt.user_id), col(QuizAttempt.lesson_id))
        ).all()
        best = {(uid, lid): float(value) for uid, lid, value in rows}
    return {(uid, lid) for uid, lid in done}, best


def _verified_actions(session: Session, cohort_id: int, user_ids: list[int]) -> dict[int, int]:
    """Verified community actions per learner of one page: one grouped query."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(CommunityAction.user_id, func.count())
        .where(
            CommunityAction.cohort_id == cohort_id,
            CommunityAction.status == ActionStatus.verified.value,
            col(CommunityAction.user_id).in_(user_ids),
        )
        .group_by(col(CommunityAction.user_id))
    ).all()
    return dict(rows)


def learner_rows(
    session: Session, *, cohort: Cohort, columns: Columns, sort: str = "name",
    direction: Direction = "asc", offset: int = 0, limit: int | None = None,
    user_id: int | None = None,
) -> list[LearnerRow]:  # fmt: skip
    """Learners with their totals and cells, sorted in the database; a slice if asked,
    or the one learner ``user_id``."""
    assert cohort.id is not None
    query, keys = _learner_query(cohort.id, columns.lesson_ids)
    if user_id is not None:
        query = query.where(col(User.id) == user_id)
    query = _ordered(query, keys, sort, direction).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    found = session.exec(query).all()
    done, best = _cells(session, [row[0] for row in found], columns)
    verified = _verified_actions(session, cohort.id, [row[0] for row in found])
    total, limit_at = len(columns.lesson_ids), cutoff()
    rows = []
    for uid, name, username, joined, count, quiz, last in found:
        cells = [
            Cell((uid, lesson.id) in done, _percent(best.get((uid, lesson.id))))
            for lesson in columns.lessons
        ]
        rows.append(LearnerRow(
            uid, name, username, joined, count, count * 100 // total if total else 0,
            _percent(quiz), last, is_inactive(joined, last, limit_at), cells,
            verified.get(uid, 0),
        ))  # fmt: skip
    return rows


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value)


def page(
    session: Session, *, cohort: Cohort, columns: Columns, number: int, sort: str,
    direction: str, total: int,
) -> MatrixPage:  # fmt: skip
    chosen, order = clean_sort(sort, direction)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(number, 1), pages)
    offset = (number - 1) * PAGE_SIZE
    rows = learner_rows(session, cohort=cohort, columns=columns, sort=chosen, direction=order,
                        offset=offset, limit=PAGE_SIZE)  # fmt: skip
    return MatrixPage(rows, number, pages, offset + 1, total, chosen, order)
