"""Program staff managing accounts: search, roles, deactivation and password resets.

Rows handed to pages are plain views, never ``User`` objects, so a template cannot
reach a password hash or an e-mail address by accident. Every change is audited in its
own transaction, and the rules that keep the program administrable (nobody demotes or
deactivates themselves; one active admin always remains) are checked under a lock on
the admin rows, so two admins demoting each other at once cannot both succeed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, func, select

from localleaders.i18n import N_, Message
from localleaders.models import AuditEntry, Cohort, CohortStatus, Role, User
from localleaders.services import audit, passwords, sessions
from localleaders.services.errors import InvalidInput, NotFound

PAGE_SIZE = 50
# Readable in print and over the phone: no 0/O, 1/l/I, 5/S, 2/Z.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrtuvwxy346789"
TEMPORARY_GROUPS = 4
TEMPORARY_GROUP_SIZE = 4


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    is_active: bool
    must_change_password: bool
    has_email: bool
    created_at: datetime
    last_active_at: datetime | None


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    page: int
    pages: int
    total: int
    q: str


def _row(user: User) -> UserRow:
    assert user.id is not None
    return UserRow(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        is_active=user.is_active, must_change_password=user.must_change_password,
        has_email=bool(user.email), created_at=user.created_at,
        last_active_at=user.last_active_at,
    )  # fmt: skip


def _matches(q: str) -> ColumnElement[bool]:
    """Case-insensitive substring match. SQLite's lower() folds only ASCII, so the usual
    spellings of a Cyrillic query (as typed, lower, Capitalised, UPPER) are tried too;
    PostgreSQL's lower() handles every script on its own."""
    variants = {q, q.lower(), q.upper(), q.capitalize(), q.title()}
    conditions = [func.lower(col(User.username)).contains(q.lower(), autoescape=True)]
    conditions += [func.lower(col(User.display_name)).contains(q.lower(), autoescape=True)]
    conditions += [col(User.display_name).contains(v, autoescape=True) for v in variants]
    return or_(*conditions)


def search(session: Session, *, q: str = "", page: int = 1) -> UserPage:
    q = q.strip()[:60]
    query = select(User)
    counter = select(func.count()).select_from(User)
    if q:
        query, counter = query.where(_matches(q)), counter.where(_matches(q))
    total = session.exec(counter).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    users = session.exec(
        query.order_by(func.lower(col(User.username)), col(User.id))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return UserPage(rows=[_row(user) for user in users], page=page, pages=pages, total=total, q=q)


def row(session: Session, *, user_id: int) -> UserRow:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return _row(user)


def _active_admins(session: Session) -> list[int]:
    """Locks the active admins' rows (PostgreSQL; SQLite writers are serialised anyway)."""
    statement = (
        select(User.id)
        .where(User.role == Role.admin.value, col(User.is_active).is_(True))
        .with_for_update()
    )
    return [user_id for user_id in session.exec(statement) if user_id is not None]


def _target(session: Session, user_id: int) -> User:
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise NotFound()
    return user


def _refuse(message: str) -> InvalidInput:
    return InvalidInput({"": Message(message)})


def _keep_an_admin(session: Session, target: User) -> None:
    admins = _active_admins(session)
    if target.id in admins and len(admins) <= 1:
        raise _refuse(N_("There must always be at least one active admin."))


def change_role(session: Session, *, actor: User, user_id: int, role: str) -> UserRow:
    if role not in {r.value for r in Role}:
        raise InvalidInput({"role": Message(N_("Choose learner, trainer or admin."))})
    target = _target(session, user_id)
    if target.role == role:
        return _row(target)
    if target.id == actor.id:
        raise _refuse(N_("You cannot remove your own admin role. Ask another admin."))
    if role != Role.admin.value:
        _keep_an_admin(session, target)
    previous, target.role = target.role, role
    session.add(target)
    audit.record(session, actor=actor, action="user.role", target_type="user",
                 target_id=target.id, username=target.username, old=previous, new=role)  # fmt: skip
    return _row(target)


def deactivate(session: Session, *, actor: User, user_id: int) -> UserRow:
    target = _target(session, user_id)
    if target.id == actor.id:
        raise _refuse(N_("You cannot deactivate your own account."))
    if not target.is_active:
        return _row(target)
    _keep_an_admin(session, target)
    target.is_active = False
    session.add(target)
    ended = sessions.end_others(session, user=target, keep_id=None)
    audit.record(session, actor=actor, action="user.deactivate", target_type="user",
                 target_id=target.id, username=target.username, sessions_ended=ended)  # fmt: skip
    return _row(target)


def activate(session: Session, *, actor: User, user_id: int) -> UserRow:
    target = _target(session, user_id)
    if target.is_active:
        return _row(target)
    target.is_active = True
    session.add(target)
    audit.record(session, actor=actor, action="user.activate", target_type="user",
                 target_id=target.id, username=target.username)  # fmt: skip
    return _row(target)


def temporary_password() -> str:
    """Four groups of four readable characters: about 76 bits, easy to read out."""
    groups = (
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_SIZE))
        for _ in range(TEMPORARY_GROUPS)
    )
    return "-".join(groups)


def reset_password(session: Session, *, actor: User, user_id: int) -> tuple[UserRow, str]:
    """Returns the temporary password for the admin to pass on; only its hash is stored."""
    target = _target(session, user_id)
    if target.id == actor.id:
        raise _refuse(N_("Change your own password on your account page."))
    password = temporary_password()
    target.password_hash = passwords.hash_password(password)
    target.must_change_password = True
    session.add(target)
    ended = sessions.end_others(session, user=target, keep_id=None)
    audit.record(session, actor=actor, action="user.reset_password", target_type="user",
                 target_id=target.id, username=target.username, sessions_ended=ended)  # fmt: skip
    return _row(target), password


@dataclass(frozen=True)
class Overview:
    users_by_role: dict[str, int]
    deactivated: int
    open_cohorts: int
    last_publish: AuditEntry | None


def overview(session: Session) -> Overview:
    counts = dict(
        session.exec(
            select(User.role, func.count()).where(col(User.is_active).is_(True)).group_by(User.role)
        ).all()
    )
    deactivated = session.exec(
        select(func.count()).select_from(User).where(col(User.is_active).is_(False))
    ).one()
    open_cohorts = session.exec(
        select(func.count()).select_from(Cohort).where(Cohort.status == CohortStatus.open.value)
    ).one()
    last_publish = session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == "courses.publish")
        .order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
    ).first()
    return Overview(
        users_by_role={role.value: counts.get(role.value, 0) for role in Role},
        deactivated=deactivated, open_cohorts=open_cohorts, last_publish=last_publish,
    )  # fmt: skip


def usernames(session: Session, *, user_ids: set[int]) -> dict[int, str]:
    """Usernames for the user targets of an audit page, so entries can link to them."""
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.username).where(col(User.id).in_(user_ids)))
    return {user_id: username for user_id, username in rows if user_id is not None}
