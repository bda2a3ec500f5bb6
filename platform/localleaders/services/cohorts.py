"""Cohorts: creating and running them, joining them, and who may see which.

Access is decided here, not in templates: ``for_trainer`` and ``for_member`` raise
NotFound for a cohort the person has no part in, so a trainer of cohort A cannot even
learn that cohort B exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import challenges as challenge_scores
from localleaders.i18n import N_, Message
from localleaders.models import (
    Announcement,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortStatus,
    CohortTrainer,
    Course,
    Role,
    User,
)
from localleaders.services import audit
from localleaders.services.accounts import clean_text
from localleaders.services.errors import Conflict, InvalidInput, NotFound

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 8
ANNOUNCEMENT_MAX = 2000


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Accepts the code as people type it: any case, with spaces or a dash in the middle."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- who may see what -------------------------------------------------------------


def _trains(session: Session, user: User, cohort_id: int) -> bool:
    return (
        session.exec(
            select(CohortTrainer.user_id).where(
                CohortTrainer.cohort_id == cohort_id, CohortTrainer.user_id == user.id
            )
        ).first()
        is not None
    )


def _is_member(session: Session, user: User, cohort_id: int) -> bool:
    return (
        session.exec(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id
            )
        ).first()
        is not None
    )


def is_member(session: Session, *, user: User, cohort: Cohort) -> bool:
    assert cohort.id is not None
    return _is_member(session, user, cohort.id)


def for_trainer(session: Session, *, user: User, cohort_id: int) -> Cohort:
    """The cohort if ``user`` trains it (admins run every cohort); NotFound otherwise."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound()
    if user.role == Role.admin.value or (
        user.role == Role.trainer.value and _trains(session, user, cohort_id)
    ):
        return cohort
    raise NotFound()


def can_manage(session: Session, *, user: User, cohort: Cohort) -> bool:
    assert cohort.id is not None
    return user.role == Role.admin.value or (
        user.role == Role.trainer.value and _trains(session, user, cohort.id)
    )


def for_member(session: Session, *, user: User, cohort_id: int) -> Cohort:
    """The cohort if ``user`` belongs to it or runs it; archived cohorts only for staff."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound()
    if can_manage(session, user=user, cohort=cohort):
        return cohort
    if cohort.status != CohortStatus.archived.value and _is_member(session, user, cohort_id):
        return cohort
    raise NotFound()


def member_in_cohort(session: Session, *, cohort: Cohort, user_id: int) -> User:
    """A learner of this cohort, for trainer pages about one person; NotFound otherwise."""
    row = session.exec(
        select(User)
        .join(CohortMember, col(CohortMember.user_id) == col(User.id))
        .where(CohortMember.cohort_id == cohort.id, col(User.id) == user_id)
    ).first()
    if row is None:
        raise NotFound()
    return row


# --- lists --------------------------------------------------------------------------


def trained_by(session: Session, *, user: User, archived: bool = False) -> list[Cohort]:
    """Cohorts on a trainer's desk (every cohort for an admin), newest start first."""
    query = select(Cohort)
    if user.role != Role.admin.value:
        query = query.join(CohortTrainer, col(CohortTrainer.cohort_id) == col(Cohort.id)).where(
            CohortTrainer.user_id == user.id
        )
    status = col(Cohort.status)
    query = query.where(
        status == CohortStatus.archived.value if archived else status != CohortStatus.archived.value
    )
    return list(session.exec(query.order_by(col(Cohort.starts_on).desc(), col(Cohort.id).desc())))


def joined_by(session: Session, *, user_id: int) -> list[Cohort]:
    return list(
        session.exec(
            select(Cohort)
            .join(CohortMember, col(CohortMember.cohort_id) == col(Cohort.id))
            .where(
                CohortMember.user_id == user_id,
                col(Cohort.status) != CohortStatus.archived.value,
            )
            .order_by(col(Cohort.starts_on).desc())
        )
    )


def trainers_of(session: Session, *, cohort_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CohortTrainer, col(CohortTrainer.user_id) == col(User.id))
            .where(CohortTrainer.cohort_id == cohort_id)
            .order_by(User.display_name)
        )
    )


def possible_trainers(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(col(User.role).in_([Role.trainer.value, Role.admin.value]), User.is_active)
            .order_by(User.display_name)
        )
    )


def courses_of(session: Session, *, cohort_id: int) -> list[tuple[Course, CohortCourse]]:
    rows = session.exec(
        select(Course, CohortCourse)
        .join(CohortCourse, col(CohortCourse.course_id) == col(Course.id))
        .where(CohortCourse.cohort_id == cohort_id)
        .order_by(col(CohortCourse.position), col(Course.position))
    ).all()
    return [(course, link) for course, link in rows]


def member_count(session: Session, *, cohort_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort_id)
    ).one()


def announcements(session: Session, *, cohort_id: int, limit: int = 20) -> list[Announcement]:
    return list(
        session.exec(
            select(Announcement)
            .where(Announcement.cohort_id == cohort_id)
            .order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
            .limit(limit)
        )
    )


# --- creating and changing ------------------------------------------------------------


@dataclass(frozen=True)
class CohortForm:
    """A cohort form as typed: strings, checked here so every mistake gets a message."""

    name: str
    course_slugs: list[str]
    starts_on: str
    ends_on: str = ""
    trainer_ids: list[str] | None = None


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _checked(session: Session, form: CohortForm, actor: User) -> tuple[
    str, list[Course], date, date | None, list[int]
]:  # fmt: skip
    errors: dict[str, Message] = {}
    name = clean_text(form.name)
    if not 2 <= len(name) <= 80:
        errors["name"] = Message(N_("Use 2 to 80 characters."))
    slugs = list(dict.fromkeys(slug for slug in form.course_slugs if slug))
    courses = list(
        session.exec(select(Course).where(col(Course.slug).in_(slugs), col(Course.is_published)))
    )
    if not courses or len(courses) != len(slugs):
        errors["courses"] = Message(N_("Choose at least one course."))
    starts = _parse_date(form.starts_on)
    if starts is None:
        errors["starts_on"] = Message(N_("Enter a date."))
    ends = _parse_date(form.ends_on) if form.ends_on.strip() else None
    if form.ends_on.strip() and ends is None:
        errors["ends_on"] = Message(N_("Enter a date."))
    elif starts and ends and ends < starts:
        errors["ends_on"] = Message(N_("The end cannot be before the start."))
    trainer_ids: list[int] = []
    for value in form.trainer_ids or []:
        if value.isdigit():
            trainer_ids.append(int(value))
    allowed = {user.id for user in possible_trainers(session)}
    if any(trainer_id not in allowed for trainer_id in trainer_ids):
        errors["trainers"] = Message(N_("Only trainers and admins can run a cohort."))
    if actor.role == Role.trainer.value and actor.id not in trainer_ids:
        trainer_ids.insert(0, actor.id or 0)  # a trainer always runs the cohorts they create
    if not trainer_ids:
        errors["trainers"] = Message(N_("Choose at least one trainer."))
    if errors:
        raise InvalidInput(errors)
    assert starts is not None
    order = {slug: position for position, slug in enumerate(slugs)}
    courses.sort(key=lambda course: order[course.slug])
    return name, courses, starts, ends, list(dict.fromkeys(trainer_ids))


def create(session: Session, *, actor: User, form: CohortForm) -> Cohort:
    name, courses, starts, ends, trainer_ids = _checked(session, form, actor)
    for _attempt in range(5):
        cohort = Cohort(
            name=name, join_code=new_join_code(), starts_on=starts, ends_on=ends,
            created_by=actor.id,
        )  # fmt: skip
        try:
            with session.begin_nested():
                session.add(cohort)
                session.flush()
            break
        except IntegrityError:  # a join code already in use: draw another
            continue
    else:  # pragma: no cover - 31^8 codes; five collisions in a row do not happen
        raise Conflict(Message(N_("Please try again.")))
    assert cohort.id is not None
    _set_courses(session, cohort.id, courses)
    for trainer_id in trainer_ids:
        session.add(CohortTrainer(cohort_id=cohort.id, user_id=trainer_id))
    audit.record(session, actor=actor, action="cohort.create", target_type="cohort",
                 target_id=cohort.id, name=name, courses=[c.slug for c in courses])  # fmt: skip
    return cohort


def _set_courses(session: Session, cohort_id: int, courses: list[Course]) -> None:
    existing = {
        link.course_id: link
        for link in session.exec(select(CohortCourse).where(CohortCourse.cohort_id == cohort_id))
    }
    wanted = {course.id for course in courses}
    for course_id, link in existing.items():
        if course_id not in wanted:
            session.delete(link)
    for position, course in enumerate(courses):
        assert course.id is not None
        link = existing.get(course.id) or CohortCourse(cohort_id=cohort_id, course_id=course.id)
        link.position = position
        session.add(link)


def update(session: Session, *, actor: User, cohort: Cohort, form: CohortForm) -> Cohort:
    require_open(cohort)
    name, courses, starts, ends, trainer_ids = _checked(session, form, actor)
    assert cohort.id is not None
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts, ends
    session.add(cohort)
    _set_courses(session, cohort.id, courses)
    current = {t.user_id: t for t in session.exec(
        select(CohortTrainer).where(CohortTrainer.cohort_id == cohort.id))}  # fmt: skip
    for user_id, row in current.items():
        if user_id not in trainer_ids:
            session.delete(row)
    for user_id in trainer_ids:
        if user_id not in current:
            session.add(CohortTrainer(cohort_id=cohort.id, user_id=user_id))
    audit.record(session, actor=actor, action="cohort.update", target_type="cohort",
                 target_id=cohort.id, name=name, courses=[c.slug for c in courses])  # fmt: skip
    return cohort


def set_due_date(
    session: Session, *, actor: User, cohort: Cohort, course_slug: str, due_on: str
) -> None:
    require_open(cohort)
    link = session.exec(
        select(CohortCourse)
        .join(Course, col(Course.id) == col(CohortCourse.course_id))
        .where(CohortCourse.cohort_id == cohort.id, Course.slug == course_slug)
    ).first()
    if link is None:
        raise InvalidInput({"course": Message(N_("This course is not part of the cohort."))})
    parsed = _parse_date(due_on) if due_on.strip() else None
    if due_on.strip() and parsed is None:
        raise InvalidInput({"due_on": Message(N_("Enter a date."))})
    link.due_on = parsed
    session.add(link)
    audit.record(session, actor=actor, action="cohort.deadline", target_type="cohort",
                 target_id=cohort.id, course=course_slug,
                 due_on=parsed.isoformat() if parsed else "")  # fmt: skip


def require_open(cohort: Cohort) -> None:
    if cohort.status != CohortStatus.open.value:
        raise Conflict(Message(N_("This cohort is closed: it can be read but not changed.")))


def close(session: Session, *, actor: User, cohort: Cohort) -> None:
    require_open(cohort)
    cohort.status = CohortStatus.closed.value
    session.add(cohort)
    audit.record(session, actor=actor, action="cohort.close", target_type="cohort",
                 target_id=cohort.id)  # fmt: skip


def archive(session: Session, *, actor: User, cohort: Cohort) -> None:
    if cohort.status == CohortStatus.archived.value:
        return
    cohort.status = CohortStatus.archived.value
    session.add(cohort)
    audit.record(session, actor=actor, action="cohort.archive", target_type="cohort",
                 target_id=cohort.id)  # fmt: skip


def new_code(session: Session, *, actor: User, cohort: Cohort) -> str:
    """A fresh join code; the old code and invitation link stop working at once."""
    require_open(cohort)
    for _attempt in range(5):
        cohort.join_code = new_join_code()
        try:
            with session.begin_nested():
                session.add(cohort)
                session.flush()
            break
        except IntegrityError:  # pragma: no cover - see create()
            continue
    audit.record(session, actor=actor, action="cohort.new_code", target_type="cohort",
                 target_id=cohort.id)  # fmt: skip
    return cohort.join_code


def by_code(session: Session, *, code: str) -> Cohort:
    """The open cohort a join code belongs to; InvalidInput (not NotFound) so the join
    form can say what is wrong."""
    code = normalise_code(code)
    cohort = (
        session.exec(select(Cohort).where(Cohort.join_code == code)).first()
        if len(code) == CODE_LENGTH
        else None
    )
    if cohort is None or cohort.status == CohortStatus.archived.value:
        raise InvalidInput(
            {"code": Message(N_("No cohort has this code. Check it with your trainer."))}
        )
    if cohort.status != CohortStatus.open.value:
        raise InvalidInput({"code": Message(N_("This cohort is closed and takes no new members."))})
    return cohort


def join(session: Session, *, user: User, code: str, rules: ProgramSpec | None = None) -> Cohort:
    """Joins (once); with the program's ``rules``, what the learner did inside the cohort's
    running challenges counts at once."""
    cohort = by_code(session, code=code)
    assert cohort.id is not None and user.id is not None
    if not _is_member(session, user, cohort.id):
        try:
            with session.begin_nested():
                session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
                session.flush()
        except IntegrityError:
            pass  # joined twice at once: one membership is all that is wanted
    if rules is not None:
        challenge_scores.refresh(session, rules, user.id)
    return cohort


def add_learner(
    session: Session,
    *,
    actor: User,
    cohort: Cohort,
    username: str,
    rules: ProgramSpec | None = None,
) -> User:
    require_open(cohort)
    learner = session.exec(
        select(User).where(User.username == username.strip().lower(), User.is_active)
    ).first()
    if learner is None:
        raise InvalidInput({"username": Message(N_("No active account has this username."))})
    assert cohort.id is not None and learner.id is not None
    if _is_member(session, learner, cohort.id):
        raise InvalidInput({"username": Message(N_("This person is already in the cohort."))})
    session.add(CohortMember(cohort_id=cohort.id, user_id=learner.id))
    session.flush()
    if rules is not None:
        challenge_scores.refresh(session, rules, learner.id)
    audit.record(session, actor=actor, action="cohort.add_learner", target_type="cohort",
                 target_id=cohort.id, user_id=learner.id)  # fmt: skip
    return learner


def remove_learner(session: Session, *, actor: User, cohort: Cohort, user_id: int) -> None:
    """Ends the membership only: the learner keeps every lesson, quiz and point."""
    require_open(cohort)
    member = session.get(CohortMember, (cohort.id, user_id))
    if member is None:
        raise NotFound()
    session.delete(member)
    audit.record(session, actor=actor, action="cohort.remove_learner", target_type="cohort",
                 target_id=cohort.id, user_id=user_id)  # fmt: skip


def announce(session: Session, *, actor: User, cohort: Cohort, body: str) -> Announcement:
    require_open(cohort)
    text = body.strip()
    if not 2 <= len(text) <= ANNOUNCEMENT_MAX:
        raise InvalidInput(
            {"body": Message(N_("Use 2 to %(max)d characters."), {"max": ANNOUNCEMENT_MAX})}
        )
    item = Announcement(cohort_id=cohort.id or 0, author_id=actor.id, body=text)
    session.add(item)
    session.flush()
    audit.record(session, actor=actor, action="cohort.announce", target_type="cohort",
                 target_id=cohort.id, announcement_id=item.id)  # fmt: skip
    return item
