"""Read views over published courses, with one learner's progress where there is a learner."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from localleaders.models import Course, Lesson, LessonCompletion, Module, QuizAttempt, Track
from localleaders.services.errors import NotFound


@dataclass(frozen=True)
class CourseCard:
    course: Course
    completed: int

    @property
    def percent(self) -> int:
        total = self.course.lesson_count
        return 0 if total == 0 else min(100, self.completed * 100 // total)


@dataclass(frozen=True)
class LessonLink:
    slug: str
    title: str
    minutes: int
    has_quiz: bool
    completed: bool = False


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[LessonLink] = field(default_factory=list)


@dataclass(frozen=True)
class CourseOutline:
    card: CourseCard
    modules: list[ModuleOutline]
    next_lesson: LessonLink | None


@dataclass(frozen=True)
class LessonPage:
    course: Course
    module: Module
    lesson: Lesson
    completed: bool
    number: int
    total: int
    previous: LessonLink | None
    next: LessonLink | None
    last_attempt: QuizAttempt | None


def _completed_counts(session: Session, user_id: int | None) -> dict[int, int]:
    if user_id is None:
        return {}
    rows = session.exec(
        select(LessonCompletion.course_id, func.count())
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .where(LessonCompletion.user_id == user_id, col(Lesson.is_published))
        .group_by(col(LessonCompletion.course_id))
    )
    return dict(rows.all())


def catalogue(session: Session, *, user_id: int | None) -> dict[Track, list[CourseCard]]:
    """Published courses grouped by track, in file order."""
    counts = _completed_counts(session, user_id)
    courses = session.exec(
        select(Course).where(col(Course.is_published)).order_by(col(Course.position))
    )
    grouped: dict[Track, list[CourseCard]] = {track: [] for track in Track}
    for course in courses:
        grouped[Track(course.track)].append(CourseCard(course, counts.get(course.id or 0, 0)))
    return grouped


def _published_course(session: Session, slug: str) -> Course:
    course = session.exec(
        select(Course).where(Course.slug == slug, col(Course.is_published))
    ).first()
    if course is None:
        raise NotFound()
    return course


def _lesson_links(
    session: Session, course_id: int, user_id: int | None
) -> list[tuple[int, int, LessonLink]]:
    """(lesson id, module id, link) for every published lesson of a course, in order."""
    done: set[int] = set()
    if user_id is not None:
        done = set(
            session.exec(
                select(LessonCompletion.lesson_id).where(
                    LessonCompletion.user_id == user_id, LessonCompletion.course_id == course_id
                )
            ).all()
        )
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Lesson.id, Lesson.module_id, Lesson.slug, Lesson.title, Lesson.minutes, Lesson.quiz
        )
        .where(Lesson.course_id == course_id, col(Lesson.is_published))
        .order_by(col(Lesson.position))
    )
    return [
        (lid, mid, LessonLink(slug, title, minutes, quiz is not None, lid in done))
        for lid, mid, slug, title, minutes, quiz in rows
    ]


def course_outline(session: Session, *, slug: str, user_id: int | None) -> CourseOutline:
    course = _published_course(session, slug)
    assert course.id is not None
    links = _lesson_links(session, course.id, user_id)
    modules = session.exec(
        select(Module)
        .where(Module.course_id == course.id, col(Module.is_published))
        .order_by(col(Module.position))
    )
    outlines = {m.id: ModuleOutline(m) for m in modules}
    for _lid, module_id, link in links:
        if module_id in outlines:
            outlines[module_id].lessons.append(link)
    completed = sum(1 for *_ids, link in links if link.completed)
    next_lesson = next((link for *_ids, link in links if not link.completed), None)
    return CourseOutline(CourseCard(course, completed), list(outlines.values()), next_lesson)


def lesson_page(
    session: Session, *, course_slug: str, slug: str, user_id: int | None
) -> LessonPage:
    course = _published_course(session, course_slug)
    assert course.id is not None
    row = session.exec(
        select(Lesson, Module)
        .join(Module, col(Module.id) == col(Lesson.module_id))
        .where(Lesson.course_id == course.id, Lesson.slug == slug, col(Lesson.is_published))
    ).first()
    if row is None:
        raise NotFound()
    lesson, module = row
    links = _lesson_links(session, course.id, user_id)
    index = next(i for i, (lid, *_rest) in enumerate(links) if lid == lesson.id)
    attempt = None
    if user_id is not None and lesson.quiz is not None:
        attempt = session.exec(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.lesson_id == lesson.id)
            .order_by(col(QuizAttempt.id).desc())
        ).first()
    return LessonPage(
        course=course,
        module=module,
        lesson=lesson,
        completed=links[index][2].completed,
        number=index + 1,
        total=len(links),
        previous=links[index - 1][2] if index > 0 else None,
        next=links[index + 1][2] if index + 1 < len(links) else None,
        last_attempt=attempt,
    )
