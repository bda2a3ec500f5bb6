"""Awards points through the append-only ledger.

An award is a row whose ``source_key`` is unique per user. The insert runs in a
savepoint: if the same award already exists (or a concurrent request inserted it first),
the unique constraint fails, the savepoint rolls back and the award is simply not repeated.
The per-user total is bumped with an atomic UPDATE in the same transaction.

Rows are never edited. A *subject* ("lesson:12", "action:7") may hold several rows: the
first award and later corrections ("action:7:2"), each appended by ``settle``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from localleaders.gamification import boards as board_scores
from localleaders.models import PointEntry, User, UserPoints
from localleaders.models.base import utcnow


def award(
    session: Session, *, user_id: int, amount: int, reason: str, source_key: str, note: str = "",
    rules_version: str = "", awarded_by: int | None = None, boards: Sequence[str] = (),
) -> bool:  # fmt: skip
    """Records an award once, moving the learner's total and their scores on ``boards``.
    Returns True if it was new, False if it existed already."""
    try:
        with session.begin_nested():
            session.execute(
                insert(PointEntry).values(
                    user_id=user_id,
                    amount=amount,
                    reason=reason,
                    source_key=source_key,
                    note=note[:200],
                    created_at=utcnow(),
                    rules_version=rules_version,
                    awarded_by=awarded_by,
                )
            )
    except IntegrityError:
        return False
    _add_to_total(session, user_id, amount)  # locks the learner's total: boards follow in turn
    if boards and not _opted_out(session, user_id):
        board_scores.add(session, user_id=user_id, amount=amount, boards=boards)
    return True


def _opted_out(session: Session, user_id: int) -> bool:
    """Read after the total's lock, so an opt-out committed meanwhile is seen."""
    flag = session.exec(select(User.leaderboard_opt_out).where(User.id == user_id)).first()
    return bool(flag)


def subject_of(source_key: str) -> str:
    """'action:7:2' -> 'action:7': the thing a row awards points for."""
    return ":".join(source_key.split(":")[:2])


def awarded_for(session: Session, user_id: int, subject: str) -> tuple[int, int]:
    """Points awarded so far for a subject, and how many rows hold them."""
    total, rows = session.exec(
        select(func.coalesce(func.sum(PointEntry.amount), 0), func.count()).where(
            PointEntry.user_id == user_id,
            or_(
                col(PointEntry.source_key) == subject,
                col(PointEntry.source_key).startswith(f"{subject}:", autoescape=True),
            ),
        )
    ).one()
    return int(total), int(rows)


def settle(
    session: Session, *, user_id: int, subject: str, due: int, reason: str, correction: str,
    note: str = "", rules_version: str = "", boards: Sequence[str] = (),
) -> int:  # fmt: skip
    """Appends the difference between what is due for ``subject`` and what was awarded.

    Returns the difference (0 when nothing was owed, or a concurrent request settled first).
    """
    awarded, rows = awarded_for(session, user_id, subject)
    difference = due - awarded
    if not difference:
        return 0
    key = subject if rows == 0 else f"{subject}:{rows + 1}"
    added = award(session, user_id=user_id, amount=difference,
                  reason=reason if difference > 0 else correction, source_key=key, note=note,
                  rules_version=rules_version, boards=boards)  # fmt: skip
    return difference if added else 0


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
