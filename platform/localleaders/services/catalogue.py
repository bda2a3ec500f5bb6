"""Read views over published courses, in the reader's language, with one learner's progress
where there is a learner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from localleaders.models import (
    Course,
    Lesson,
    LessonCompletion,
    LessonText,
    Module,
    QuizAttempt,
    Track,
)
from localleaders.services.content import (
    language_order,
    localized_quiz,
    pick,
    pick_title,
)
from localleaders.services.errors import NotFound


@dataclass(frozen=True)
class CourseView:
    id: int
    slug: str
    track: str
    language: str
    lesson_count: int
    title: str
    title_lang: str
    summary: str
    summary_lang: str


@dataclass(frozen=True)
class CourseCard:
    course: CourseView
    completed: int

    @property
    def percent(self) -> int:
        total = self.course.lesson_count
        return 0 if total == 0 else min(100, self.completed * 100 // total)


@dataclass(frozen=True)
class ModuleView:
    slug: str
    title: str
    title_lang: str
    summary: str
    summary_lang: str


@dataclass(frozen=True)
class LessonLink:
    course_slug: str
    slug: str
    title: str
    lang: str
    minutes: int
    has_quiz: bool
    completed: bool = False


@dataclass
class ModuleOutline:
    module: ModuleView
    # Set when the module is a shared one, included from another course: its title.
    shared_from: CourseView | None = None
    lessons: list[LessonLink] = field(default_factory=list)


@dataclass(frozen=True)
class CourseOutline:
    card: CourseCard
    modules: list[ModuleOutline]
    next_lesson: LessonLink | None


@dataclass(frozen=True)
class LessonView:
    """A lesson in the one language it is shown in (``lang``)."""

    id: int
    slug: str
    title: str
    minutes: int
    points: int
    action: str | None
    body_html: str
    practice_html: str
    quiz: dict[str, Any] | None
    lang: str
    # The reader's language has no version of this lesson yet.
    is_fallback: bool


@dataclass(frozen=True)
class LessonPage:
    course: CourseView
    module: ModuleView
    lesson: LessonView
    completed: bool
    number: int
    total: int
    previous: LessonLink | None
    next: LessonLink | None
    last_attempt: QuizAttempt | None


def course_view(course: Course, locale: str) -> CourseView:
    assert course.id is not None
    title, title_lang = pick(course.texts, "title", locale, course.language, course.title)
    summary, summary_lang = pick(course.texts, "summary", locale, course.language, course.summary)
    return CourseView(
        course.id, course.slug, course.track, course.language, course.lesson_count,
        title, title_lang, summary, summary_lang,
    )  # fmt: skip


def module_view(module: Module, locale: str, main: str) -> ModuleView:
    title, title_lang = pick(module.texts, "title", locale, main, module.title)
    summary, summary_lang = pick(module.texts, "summary", locale, main, module.summary)
    return ModuleView(module.slug, title, title_lang, summary, summary_lang)


def completed_counts(session: Session, user_id: int | None) -> dict[int, int]:
    if user_id is None:
        return {}
    rows = session.exec(
        select(LessonCompletion.course_id, func.count())
        .join(Lesson, col(Lesson.id) == col(LessonCompletion.lesson_id))
        .where(LessonCompletion.user_id == user_id, col(Lesson.is_published))
        .group_by(col(LessonCompletion.course_id))
    )
    return dict(rows.all())


def course_cards(
    session: Session, courses: list[Course], *, user_id: int | None, locale: str
) -> list[CourseCard]:
    """Cards with the learner's progress. A course's progress counts the lessons of the
    shared modules it includes, as its outline shows them."""
    counts = completed_counts(session, user_id)
    included = {slug for course in courses for slug in course.includes}
    ids = dict(
        session.exec(select(Course.slug, Course.id).where(col(Course.slug).in_(included))).all()
    )
    cards = []
    for course in courses:
        done = counts.get(course.id or 0, 0)
        done += sum(counts.get(ids.get(slug) or 0, 0) for slug in course.includes)
        cards.append(CourseCard(course_view(course, locale), done))
    return cards


def catalogue(
    session: Session, *, user_id: int | None, locale: str
) -> dict[Track, list[CourseCard]]:
    """Published courses grouped by track, in file order."""
    courses = list(
        session.exec(select(Course).where(col(Course.is_published)).order_by(col(Course.position)))
    )
    grouped: dict[Track, list[CourseCard]] = {track: [] for track in Track}
    for card in course_cards(session, courses, user_id=user_id, locale=locale):
        grouped[Track(card.course.track)].append(card)
    return grouped


def _published_course(session: Session, slug: str) -> Course:
    course = session.exec(
        select(Course).where(Course.slug == slug, col(Course.is_published))
    ).first()
    if course is None:
        raise NotFound()
    return course


def _lesson_links(
    session: Session, course: Course, user_id: int | None, locale: str
) -> list[tuple[int, int, LessonLink]]:
    """(lesson id, module id, link) for every published lesson of a course, in order."""
    done: set[int] = set()
    if user_id is not None:
        done = set(
            session.exec(
                select(LessonCompletion.lesson_id).where(
                    LessonCompletion.user_id == user_id, LessonCompletion.course_id == course.id
                )
            ).all()
        )
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Lesson.id, Lesson.module_id, Lesson.slug, Lesson.title, Lesson.titles,
            Lesson.minutes, Lesson.quiz,
        )
        .where(Lesson.course_id == course.id, col(Lesson.is_published))
        .order_by(col(Lesson.position))
    )  # fmt: skip
    links = []
    for lid, mid, slug, title, titles, minutes, quiz in rows:
        shown, lang = pick_title(titles, locale, course.language, title)
        link = LessonLink(course.slug, slug, shown, lang, minutes, quiz is not None, lid in done)
        links.append((lid, mid, link))
    return links


def _module_outlines(
    session: Session, course: Course, user_id: int | None, locale: str
) -> list[ModuleOutline]:
    modules = session.exec(
        select(Module)
        .where(Module.course_id == course.id, col(Module.is_published))
        .order_by(col(Module.position))
    )
    outlines = {m.id: ModuleOutline(module_view(m, locale, course.language)) for m in modules}
    for _lid, module_id, link in _lesson_links(session, course, user_id, locale):
        if module_id in outlines:
            outlines[module_id].lessons.append(link)
    return list(outlines.values())


def course_outline(
    session: Session, *, slug: str, user_id: int | None, locale: str
) -> CourseOutline:
    course = _published_course(session, slug)
    outlines = _module_outlines(session, course, user_id, locale)
    if course.includes:
        shared = session.exec(
            select(Course).where(col(Course.slug).in_(course.includes), col(Course.is_published))
        ).all()
        by_slug = {item.slug: item for item in shared}
        for included in (by_slug[s] for s in course.includes if s in by_slug):
            view = course_view(included, locale)
            for outline in _module_outlines(session, included, user_id, locale):
                outline.shared_from = view
                outlines.append(outline)
    links = [link for outline in outlines for link in outline.lessons]
    completed = sum(1 for link in links if link.completed)
    next_lesson = next((link for link in links if not link.completed), None)
    card = CourseCard(course_view(course, locale), completed)
    return CourseOutline(card, outlines, next_lesson)


def lesson_view(session: Session, lesson: Lesson, locale: str, main: str) -> LessonView:
    """The lesson in the reader's language, or as a whole in the course's main language."""
    assert lesson.id is not None
    order = language_order(locale, main)
    rows = {
        row.language: row
        for row in session.exec(
            select(LessonText).where(
                LessonText.lesson_id == lesson.id, col(LessonText.language).in_(order)
            )
        )
    }
    language = next((lang for lang in order if lang in rows), main)
    text = rows.get(language)
    quiz = None
    if lesson.quiz is not None:
        quiz = localized_quiz(lesson.quiz, text.quiz_texts if text else None)
    return LessonView(
        id=lesson.id,
        slug=lesson.slug,
        title=text.title if text else lesson.title,
        minutes=lesson.minutes,
        points=lesson.points,
        action=lesson.action,
        body_html=text.body_html if text else "",
        practice_html=text.practice_html if text else "",
        quiz=quiz,
        lang=language,
        is_fallback=language != locale,
    )


def lesson_page(
    session: Session, *, course_slug: str, slug: str, user_id: int | None, locale: str
) -> LessonPage:
    course = _published_course(session, course_slug)
    row = session.exec(
        select(Lesson, Module)
        .join(Module, col(Module.id) == col(Lesson.module_id))
        .where(Lesson.course_id == course.id, Lesson.slug == slug, col(Lesson.is_published))
    ).first()
    if row is None:
        raise NotFound()
    lesson, module = row
    links = _lesson_links(session, course, user_id, locale)
    index = next(i for i, (lid, *_rest) in enumerate(links) if lid == lesson.id)
    attempt = None
    if user_id is not None and lesson.quiz is not None:
        attempt = session.exec(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.lesson_id == lesson.id)
            .order_by(col(QuizAttempt.id).desc())
        ).first()
    return LessonPage(
        course=course_view(course, locale),
        module=module_view(module, locale, course.language),
        lesson=lesson_view(session, lesson, locale, course.language),
        completed=links[index][2].completed,
        number=index + 1,
        total=len(links),
        previous=links[index - 1][2] if index > 0 else None,
        next=links[index + 1][2] if index + 1 < len(links) else None,
        last_attempt=attempt,
    )
