"""What the action pages show: read-only views over community actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from localleaders.models import (
    ActionPhoto,
    ActionReview,
    Cohort,
    CommunityAction,
    Course,
    Lesson,
    ReviewDecision,
    User,
)
from localleaders.services import actions
from localleaders.services.content import pick_title


@dataclass(frozen=True)
class LessonChoice:
    reference: str  # "course-slug/lesson-slug"
    title: str
    lang: str


@dataclass(frozen=True)
class FormChoices:
    cohorts: list[Cohort]
    lessons: list[tuple[str, str, list[LessonChoice]]]  # (course title, its lang, lessons)


def form_choices(session: Session, *, user: User, locale: str) -> FormChoices:
    courses = {c.id: c for c in session.exec(select(Course).where(col(Course.is_published)))}
    grouped: dict[int, list[LessonChoice]] = {}
    for lesson in session.exec(
        select(Lesson).where(col(Lesson.is_published)).order_by(col(Lesson.course_id),
                                                                 col(Lesson.position))
    ):  # fmt: skip
        course = courses.get(lesson.course_id)
        if course is None:
            continue
        title, lang = pick_title(lesson.titles, locale, course.language, lesson.title)
        grouped.setdefault(lesson.course_id, []).append(
            LessonChoice(f"{course.slug}/{lesson.slug}", title, lang)
        )
    lessons = []
    for course in sorted(courses.values(), key=lambda c: c.position):
        title, lang = pick_title(
            {k: v.get("title", "") for k, v in course.texts.items()}, locale, course.language,
            course.title,
        )  # fmt: skip
        if course.id in grouped:
            lessons.append((title, lang, grouped[course.id or 0]))
    return FormChoices(actions.learner_cohorts(session, user_id=user.id or 0), lessons)


def initial_values(session: Session, *, lesson: str, type: str) -> dict[str, Any]:
    """A new form, started from a lesson's practice task when ``lesson`` names one."""
    values: dict[str, Any] = {"type": type, "visibility": "cohort", "lesson": ""}
    course_slug, _, slug = lesson.partition("/")
    if slug:
        row = session.exec(
            select(Lesson.id, Lesson.action)
            .join(Course, col(Course.id) == col(Lesson.course_id))
            .where(Course.slug == course_slug, Lesson.slug == slug, col(Lesson.is_published))
        ).first()
        if row is not None:
            values["lesson"] = lesson
            values["type"] = type or row[1] or ""
    return values


def form_values(session: Session, action: CommunityAction) -> dict[str, Any]:
    reference = ""
    if action.lesson_id is not None:
        row = session.exec(
            select(Course.slug, Lesson.slug)
            .join(Course, col(Course.id) == col(Lesson.course_id))
            .where(Lesson.id == action.lesson_id)
        ).first()
        reference = f"{row[0]}/{row[1]}" if row else ""
    hours = action.volunteer_minutes / 60
    return {
        "type": action.type, "title": action.title,
        "happened_on": action.happened_on.isoformat(), "description": action.description,
        "outcome": action.outcome, "residents_mobilised": str(action.residents_mobilised),
        "participants": str(action.participants),
        "volunteer_hours": f"{hours:g}", "organisations": action.organisations,
        "place": action.place, "links": "\n".join(action.links),
        "visibility": action.visibility, "lesson": reference,
        "cohort_id": str(action.cohort_id or ""),
    }  # fmt: skip


def photos(session: Session, action: CommunityAction) -> list[ActionPhoto]:
    return list(
        session.exec(
            select(ActionPhoto)
            .where(ActionPhoto.action_id == action.id)
            .order_by(col(ActionPhoto.id))
        )
    )


@dataclass(frozen=True)
class ActionView:
    action: CommunityAction
    owner: str
    cohort: str
    lesson_title: str
    lesson_lang: str
    lesson_url: str
    photos: list[ActionPhoto]
    history: list[actions.HistoryItem]
    last_comment: actions.HistoryItem | None
    verified_by: int
    needs: int
    reviewer_verified: bool

    @property
    def editable(self) -> bool:
        return self.action.status in actions.EDITABLE


def detail(
    session: Session, *, action: CommunityAction, locale: str, reviewer: User | None = None
) -> ActionView:
    owner = session.get(User, action.user_id)
    cohort = session.get(Cohort, action.cohort_id) if action.cohort_id else None
    lesson_title, lesson_lang, lesson_url = "", "", ""
    if action.lesson_id is not None:
        row = session.exec(
            select(Lesson, Course)
            .join(Course, col(Course.id) == col(Lesson.course_id))
            .where(Lesson.id == action.lesson_id)
        ).first()
        if row is not None:
            lesson, course = row
            lesson_title, lesson_lang = pick_title(lesson.titles, locale, course.language,
                                                   lesson.title)  # fmt: skip
            lesson_url = f"/courses/{course.slug}/{lesson.slug}"
    history = actions.history(session, action=action)
    comments = [h for h in history if h.kind != "saved" and h.comment]
    verifiers = actions.verifications(session, action)
    return ActionView(
        action=action, owner=owner.display_name if owner else "",
        cohort=cohort.name if cohort else "", lesson_title=lesson_title, lesson_lang=lesson_lang,
        lesson_url=lesson_url, photos=photos(session, action), history=history,
        last_comment=comments[-1] if comments else None, verified_by=len(verifiers),
        needs=2 if action.needs_second_verification else 1,
        reviewer_verified=reviewer is not None and reviewer.id in verifiers,
    )  # fmt: skip


@dataclass(frozen=True)
class QueueRow:
    action: CommunityAction
    learner: str
    cohort: str
    verified_by: int


def queue(session: Session, *, user: User) -> list[QueueRow]:
    items = actions.queue(session, user=user)
    ids = [a.id for a in items]
    names = dict(session.exec(select(User.id, User.display_name).where(
        col(User.id).in_({a.user_id for a in items}))).all())  # fmt: skip
    cohorts = dict(session.exec(select(Cohort.id, Cohort.name).where(
        col(Cohort.id).in_({a.cohort_id for a in items if a.cohort_id}))).all())  # fmt: skip
    verified: dict[int, int] = {}
    for review in session.exec(
        select(ActionReview).where(
            col(ActionReview.action_id).in_(ids),
            ActionReview.decision == ReviewDecision.verify.value,
        )
    ):
        action = next(a for a in items if a.id == review.action_id)
        if review.version == action.version:
            verified[review.action_id] = verified.get(review.action_id, 0) + 1
    return [
        QueueRow(a, names.get(a.user_id, ""), cohorts.get(a.cohort_id or 0, ""),
                 verified.get(a.id or 0, 0))
        for a in items
    ]  # fmt: skip
