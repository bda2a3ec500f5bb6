"""Awards points through the append-only ledger.

An award is a row whose ``source_key`` is unique per user. The insert runs in a
savepoint: if the same award already exists (or a concurrent request inserted it first),
the unique constraint fails, the savepoint rolls back and the award is simply not repeated.
The per-user total is bumped with an atomic UPDATE in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from localleaders.models import PointEntry, UserPoints
from localleaders.models.base import utcnow


def award(
    session: Session, *, user_id: int, amount: int, reason: str, source_key: str, note: str = ""
) -> bool:
    """Records an award once. Returns True if it was new, False if it existed already."""
    try:
        with session.begin_nested():
            session.execute(
                insert(PointEntry).values(
                    user_id=user_id,
                    amount=amount,
                    reason=reason,
                    source_key=source_key,
                    note=note,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    _add_to_total(session, user_id, amount)
    return True


def _add_to_total(session: Session, user_id: int, amount: int) -> None:
    result = session.execute(
        update(UserPoints)
        .where(UserPoints.user_id == user_id)  # type: ignore[arg-type]
        .values(total=UserPoints.total + amount, updated_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(UserPoints(user_id=user_id, total=amount))
        session.flush()


def total_points(session: Session, user_id: int) -> int:
    total = session.exec(select(UserPoints.total).where(UserPoints.user_id == user_id)).first()
    return total or 0
