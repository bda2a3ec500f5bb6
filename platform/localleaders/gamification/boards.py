"""Leaderboards: scores kept in the award's transaction, and exact ranks without scanning.

A learner's rank is 1 + the number of learners with a higher score (ties share a rank).
Counting those rows one by one costs time proportional to the rank (20-60 ms for a
mid-table learner among a million); summing ``board_count`` over the distinct scores above
costs time proportional to the number of distinct scores, which points keep small.
Learners who opted out of boards are not on them; their own rank is still computed
(where they would stand), for them alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, insert, literal, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from localleaders.models import BoardCount, BoardScore

ALL = "all"
NEIGHBOURS = 2
TOP = 10


def week_board(monday: date) -> str:
    return f"week:{monday.isoformat()}"


def _count(session: Session, board: str, score: int, change: int) -> None:
    changed = session.execute(
        update(BoardCount)
        .where(col(BoardCount.board) == board, col(BoardCount.score) == score)
        .values(count=BoardCount.count + change)
    )
    if changed.rowcount:  # type: ignore[attr-defined]
        if change < 0:
            session.execute(
                delete(BoardCount).where(
                    col(BoardCount.board) == board,
                    col(BoardCount.score) == score,
                    col(BoardCount.count) <= 0,
                )
            )
        return
    try:
        with session.begin_nested():
            session.execute(insert(BoardCount).values(board=board, score=score, count=change))
    except IntegrityError:  # another learner reached this score at the same moment
        _count(session, board, score, change)


def add(session: Session, *, user_id: int, amount: int, boards: Iterable[str]) -> None:
    """Moves the learner's score on each board by ``amount``. The caller holds the learner's
    points row locked (the ledger's total update), so one learner's changes never race."""
    for board in boards:
        moved = session.execute(
            update(BoardScore)
            .where(col(BoardScore.board) == board, col(BoardScore.user_id) == user_id)
            .values(score=BoardScore.score + amount)
            .returning(col(BoardScore.score))
        ).first()
        if moved is None:
            session.execute(insert(BoardScore).values(board=board, user_id=user_id, score=amount))
        else:
            _count(session, board, moved[0] - amount, -1)
        _count(session, board, amount if moved is None else moved[0], +1)


def leave(session: Session, *, user_id: int) -> None:
    """Takes the learner off every board (opting out)."""
    rows = session.exec(select(BoardScore).where(BoardScore.user_id == user_id)).all()
    for row in rows:
        _count(session, row.board, row.score, -1)
        session.delete(row)
    session.flush()


def join(session: Session, *, user_id: int, scores: dict[str, int]) -> None:
    """Puts the learner back on the boards with the given scores (opting in again)."""
    for board, score in scores.items():
        session.add(BoardScore(board=board, user_id=user_id, score=score))
        session.flush()
        _count(session, board, score, +1)


@dataclass(frozen=True)
class Row:
    user_id: int
    score: int
    rank: int


@dataclass(frozen=True)
class Standing:
    """A board as one learner sees it."""

    top: list[Row]
    mine: Row | None  # None when the learner has no score there
    above: list[Row]  # the learners just above me, nearest last
    below: list[Row]  # just below me, nearest first
    size: int  # learners on the board


def size_of(session: Session, board: str) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(BoardCount.count), 0)).where(BoardCount.board == board)
    ).one()
    return int(total)


def _size_and_above(session: Session, board: str, score: int) -> tuple[int, int]:
    """Learners on the board, and those with a higher score, in one pass over the
    distinct scores (a covering index: no table rows are read)."""
    higher = func.sum(case((col(BoardCount.score) > score, BoardCount.count), else_=0))
    size, above = session.exec(
        select(func.coalesce(func.sum(BoardCount.count), 0), func.coalesce(higher, 0)).where(
            BoardCount.board == board
        )
    ).one()
    return int(size), int(above)


def top(session: Session, board: str, limit: int = TOP) -> list[Row]:
    rows = session.exec(
        select(BoardScore.user_id, BoardScore.score)
        .where(BoardScore.board == board)
        .order_by(col(BoardScore.score).desc(), col(BoardScore.user_id).desc())
        .limit(limit)
    ).all()
    return ranked(rows)


def ranked(rows: Iterable[tuple[int, int]]) -> list[Row]:
    """(user, score) rows in board order, ranked: equal scores share the rank of the first."""
    result, rank, previous = [], 0, None
    for position, (user_id, score) in enumerate(rows, start=1):
        if score != previous:
            rank, previous = position, score
        result.append(Row(user_id, score, rank))
    return result


def board_order(rows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(user, score) rows sorted as boards are: points, then the newer learner first."""
    return sorted(rows, key=lambda row: (-row[1], -row[0]))


def _neighbours(
    session: Session, board: str, me: int, score: int, rank: int
) -> tuple[list[Row], list[Row]]:
    # Board order is the index's, reversed: (score, user_id) descending. So the learners
    # just above me are the next index entries after mine, those below the ones before.
    on_board = BoardScore.board == board
    place = tuple_(col(BoardScore.score), col(BoardScore.user_id))
    above = session.exec(
        select(BoardScore.user_id, BoardScore.score)
        .where(on_board, place > tuple_(literal(score), literal(me)))
        .order_by(col(BoardScore.score), col(BoardScore.user_id))
        .limit(NEIGHBOURS)
    ).all()
    below = session.exec(
        select(BoardScore.user_id, BoardScore.score)
        .where(on_board, place < tuple_(literal(score), literal(me)))
        .order_by(col(BoardScore.score).desc(), col(BoardScore.user_id).desc())
        .limit(NEIGHBOURS)
    ).all()
    near = [s for _, s in [*above, *below]]
    # A neighbour's rank from mine: only the counts between our two scores are needed.
    counts = dict(
        session.exec(
            select(BoardCount.score, BoardCount.count).where(
                BoardCount.board == board,
                col(BoardCount.score) >= min(near, default=score),
                col(BoardCount.score) <= max(near, default=score),
            )
        ).all()
    ) if near else {}  # fmt: skip

    def rank_at(value: int) -> int:
        if value > score:  # fewer learners above them: those above me minus those in (mine, theirs]
            return rank - sum(n for s, n in counts.items() if score < s <= value)
        if value < score:  # more: plus those in (theirs, mine]
            return rank + sum(n for s, n in counts.items() if value < s <= score)
        return rank

    above_rows = [Row(u, s, rank_at(s)) for u, s in above]
    below_rows = [Row(u, s, rank_at(s)) for u, s in below]
    return list(reversed(above_rows)), below_rows


def standing(
    session: Session, board: str, *, user_id: int, own_score: int | None = None
) -> Standing:
    """Top 10, my rank of N and my neighbours, in six indexed queries whatever the board's
    size. ``own_score`` places a learner who is not on the board (opted out): their rank
    is where they would stand, shown to them only."""
    mine = session.exec(
        select(BoardScore.score).where(BoardScore.board == board, BoardScore.user_id == user_id)
    ).first()
    score = mine if mine is not None else own_score
    leaders = top(session, board)
    if score is None:
        return Standing(leaders, None, [], [], size_of(session, board))
    size, above = _size_and_above(session, board, score)
    rank = above + 1
    if mine is None:
        return Standing(leaders, Row(user_id, score, rank), [], [], size)
    over, under = _neighbours(session, board, user_id, score, rank)
    return Standing(leaders, Row(user_id, score, rank), over, under, size)


def rebuild(session: Session, *, weeks: dict[tuple[int, str], int], totals: dict[int, int]) -> int:
    """Replaces every board with the scores given: ``totals`` (user -> all-time points) and
    ``weeks`` ((user, week board) -> points). Returns the number of scores written."""
    session.execute(delete(BoardScore))
    session.execute(delete(BoardCount))
    rows = [{"board": ALL, "user_id": u, "score": s} for u, s in totals.items()]
    rows += [{"board": b, "user_id": u, "score": s} for (u, b), s in weeks.items()]
    if rows:
        session.execute(insert(BoardScore), rows)
        counted = session.exec(
            select(BoardScore.board, BoardScore.score, func.count()).group_by(
                col(BoardScore.board), col(BoardScore.score)
            )
        ).all()
        session.execute(
            insert(BoardCount), [{"board": b, "score": s, "count": n} for b, s, n in counted]
        )
    return len(rows)
