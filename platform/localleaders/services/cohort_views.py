"""What the cohort pages show: read-only views over cohorts, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from localleaders.i18n import N_, Message
from localleaders.models import Announcement, Cohort, CohortMember, Course, Track, User
from localleaders.services import actions, cohorts
from localleaders.services.catalogue import CourseCard, course_cards, course_view

CONFIRM_MESSAGE = Message(N_("Tick the box to confirm."))


@dataclass(frozen=True)
class CohortCourseView:
    card: CourseCard
    due_on: date | None


@dataclass(frozen=True)
class AnnouncementView:
    item: Announcement
    author: str


@dataclass(frozen=True)
class MemberView:
    cohort: Cohort
    trainers: list[str]
    courses: list[CohortCourseView]
    deadlines: list[CohortCourseView]
    announcements: list[AnnouncementView]
    can_manage: bool
    learners: int
    feed: list[actions.FeedItem]


def _course_cards(
    session: Session, cohort: Cohort, user_id: int | None, locale: str
) -> list[CohortCourseView]:
    """The cohort's courses with the learner's progress and the cohort's due dates."""
    assert cohort.id is not None
    links = cohorts.courses_of(session, cohort_id=cohort.id)
    cards = course_cards(session, [course for course, _ in links], user_id=user_id, locale=locale)
    return [
        CohortCourseView(card, link.due_on) for card, (_, link) in zip(cards, links, strict=True)
    ]


def _announcements(session: Session, cohort_id: int) -> list[AnnouncementView]:
    items = cohorts.announcements(session, cohort_id=cohort_id)
    author_ids = {item.author_id for item in items if item.author_id is not None}
    names = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(author_ids))).all()
    )
    return [AnnouncementView(item, names.get(item.author_id, "")) for item in items]


def member_view(session: Session, *, cohort: Cohort, user: User, locale: str) -> MemberView:
    assert cohort.id is not None
    courses = _course_cards(session, cohort, user.id, locale)
    today = date.today()
    deadlines = sorted(
        (c for c in courses if c.due_on is not None and c.due_on >= today and c.card.percent < 100),
        key=lambda c: c.due_on or today,
    )
    return MemberView(
        cohort=cohort,
        trainers=[t.display_name for t in cohorts.trainers_of(session, cohort_id=cohort.id)],
        courses=courses,
        deadlines=deadlines,
        announcements=_announcements(session, cohort.id),
        can_manage=cohorts.can_manage(session, user=user, cohort=cohort),
        learners=cohorts.member_count(session, cohort_id=cohort.id),
        feed=actions.feed(session, cohort_id=cohort.id),
    )


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    display_name: str
    username: str
    joined_at: Any


@dataclass(frozen=True)
class ManageView:
    cohort: Cohort
    trainers: list[str]
    courses: list[CohortCourseView]
    members: list[MemberRow]
    announcements: list[AnnouncementView]

    @property
    def is_open(self) -> bool:
        return self.cohort.status == "open"


def manage_view(session: Session, *, cohort: Cohort, locale: str) -> ManageView:
    assert cohort.id is not None
    rows = session.exec(
        select(User.id, User.display_name, User.username, CohortMember.joined_at)
        .join(CohortMember, col(CohortMember.user_id) == col(User.id))
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(col(User.display_name))
    ).all()
    return ManageView(
        cohort=cohort,
        trainers=[t.display_name for t in cohorts.trainers_of(session, cohort_id=cohort.id)],
        courses=_course_cards(session, cohort, None, locale),
        members=[MemberRow(*row) for row in rows],
        announcements=_announcements(session, cohort.id),
    )


@dataclass(frozen=True)
class FormChoices:
    courses: dict[Track, list[tuple[str, str, str]]]  # track -> (slug, title, lang)
    trainers: list[tuple[int, str, str]]  # (id, display name, username)


def form_choices(session: Session, *, locale: str) -> FormChoices:
    courses: dict[Track, list[tuple[str, str, str]]] = {track: [] for track in Track}
    for course in session.exec(
        select(Course).where(col(Course.is_published)).order_by(col(Course.position))
    ):
        view = course_view(course, locale)
        courses[Track(course.track)].append((course.slug, view.title, view.title_lang))
    trainers = [(u.id or 0, u.display_name, u.username) for u in cohorts.possible_trainers(session)]
    return FormChoices({k: v for k, v in courses.items() if v}, trainers)


def form_values(session: Session, *, cohort: Cohort) -> dict[str, Any]:
    assert cohort.id is not None
    return {
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat() if cohort.ends_on else "",
        "courses": [course.slug for course, _ in cohorts.courses_of(session, cohort_id=cohort.id)],
        "trainers": [str(t.id) for t in cohorts.trainers_of(session, cohort_id=cohort.id)],
    }
