"""Writes and reads the audit log. Every trainer and admin use case calls ``record`` in its
own transaction, so an action and its log entry are committed together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, func, select

from localleaders.models import AuditEntry, User
from localleaders.models.base import utcnow

PAGE_SIZE = 50


def record(
    session: Session, *, actor: User, action: str, target_type: str, target_id: int | None,
    **details: Any,
) -> None:  # fmt: skip
    session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_name=actor.display_name,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details={key: value for key, value in details.items() if value is not None},
        )
    )


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    action: str


def entries(session: Session, *, page: int = 1, action: str = "") -> AuditPage:
    query = select(AuditEntry)
    counter = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
        counter = counter.where(AuditEntry.action == action)
    total = session.exec(counter).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.exec(
        query.order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(entries=list(rows), page=page, pages=pages, action=action)


def actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def purge(session: Session, *, keep_days: int) -> int:
    """Deletes entries older than the retention period; returns how many went."""
    cutoff = utcnow() - timedelta(days=keep_days)
    result = session.exec(delete(AuditEntry).where(col(AuditEntry.created_at) < cutoff))
    return int(result.rowcount or 0)
