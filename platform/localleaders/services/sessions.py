"""Server-side login sessions: revocable, expiring, with only a hash of the token stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from localleaders.models import User, UserSession
from localleaders.models.base import utcnow
from localleaders.services.errors import NotFound

TOUCH_EVERY = timedelta(minutes=5)  # limits writes: last_seen_at is only moved this often


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    key: bytes = b""


def hash_token(token: str, key: bytes) -> str:
    """HMAC-SHA256 keyed with the secret key: a copy of the database alone cannot be used
    to check guessed tokens. Changing the secret key logs everyone out."""
    return hmac.new(key, token.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def start(session: Session, *, user: User, user_agent: str, policy: SessionPolicy) -> str:
    """Creates a session and returns the token for the cookie (never stored)."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    user.last_active_at = now
    session.add(user)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token, policy.key),
            user_agent=user_agent[:120],
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.absolute,
        )
    )
    session.flush()
    return token


def lookup(
    session: Session, *, token: str, policy: SessionPolicy, now: datetime | None = None
) -> tuple[User, UserSession] | None:
    """The user behind a cookie token, if the session is alive and the account active."""
    now = now or utcnow()
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(UserSession.token_hash == hash_token(token, policy.key))
    ).first()
    if row is None:
        return None
    user_session, user = row
    if not user.is_active or user_session.expires_at <= now:
        return None
    if user_session.last_seen_at + policy.idle <= now:
        return None
    return user, user_session


def needs_touch(user_session: UserSession, now: datetime | None = None) -> bool:
    return (now or utcnow()) - user_session.last_seen_at >= TOUCH_EVERY


def touch(session: Session, *, session_id: int) -> None:
    row = session.get(UserSession, session_id)
    if row is not None:
        row.last_seen_at = utcnow()
        session.add(row)
        session.exec(
            update(User).where(col(User.id) == row.user_id).values(last_active_at=row.last_seen_at)
        )


def end(session: Session, *, token: str, policy: SessionPolicy) -> None:
    statement = delete(UserSession).where(
        col(UserSession.token_hash) == hash_token(token, policy.key)
    )
    session.exec(statement)


def list_for(session: Session, *, user: User) -> list[UserSession]:
    return list(
        session.exec(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(col(UserSession.last_seen_at).desc())
        )
    )


def revoke(session: Session, *, user: User, session_id: int) -> None:
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    session.delete(row)


def end_others(session: Session, *, user: User, keep_id: int | None) -> int:
    statement = delete(UserSession).where(col(UserSession.user_id) == user.id)
    if keep_id is not None:
        statement = statement.where(col(UserSession.id) != keep_id)
    result = session.exec(statement)
    return int(result.rowcount or 0)


def purge_expired(session: Session, *, policy: SessionPolicy) -> int:
    now = utcnow()
    result = session.exec(
        delete(UserSession).where(
            (col(UserSession.expires_at) <= now)
            | (col(UserSession.last_seen_at) <= now - policy.idle)
        )
    )
    return int(result.rowcount or 0)
