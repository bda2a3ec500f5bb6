"""Leaderboards as people see them: the cohort's (all time, this week) and the program's.

Only members of a cohort (and its trainers) see its boards, only signed-in people the
program's; names are display names, never usernames or e-mails. A learner who opted out
is on no board but still sees their own rank. A trainer may hide a cohort's boards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import boards, streaks
from localleaders.models import BoardScore, Cohort, CohortMember, PointEntry, User, UserPoints
from localleaders.models.base import utcnow
from localleaders.services import audit, cohorts

Period = Literal["all", "week"]
PERIODS: tuple[Period, ...] = ("all", "week")


@dataclass(frozen=True)
class Line:
    rank: int
    name: str  # display name
    score: int
    is_me: bool


@dataclass(frozen=True)
class BoardView:
    period: Period
    top: list[Line]
    me: Line | None
    near: list[Line]  # just above me, me, just below me (when I am outside the top)
    size: int
    opted_out: bool
    hidden: bool = False  # hidden by a trainer (learners see nothing else)

    @property
    def me_in_top(self) -> bool:
        return any(line.is_me for line in self.top)


def board_key(period: Period, rules: ProgramSpec) -> str:
    if period == "week":
        return boards.week_board(streaks.week_of(utcnow(), rules))
    return boards.ALL


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids)))
    return {user_id: name for user_id, name in rows if user_id is not None}


def _line(row: boards.Row, names: dict[int, str], me: int) -> Line:
    return Line(row.rank, names.get(row.user_id, ""), row.score, row.user_id == me)


def _own_score(session: Session, rules: ProgramSpec, user: User, board: str) -> int | None:
    """A learner's score on a board from the ledger, for one who is not on it (opted out);
    None when they earned nothing there."""
    query = select(func.sum(PointEntry.amount)).where(PointEntry.user_id == user.id)
    if board != boards.ALL:
        monday = date.fromisoformat(board.split(":", 1)[1])
        start = datetime.combine(monday, time.min, rules.zone)
        query = query.where(col(PointEntry.created_at) >= start)
    total = session.exec(query).one()
    return int(total) if total is not None else None


def program_board(session: Session, *, rules: ProgramSpec, user: User, period: Period) -> BoardView:
    key = board_key(period, rules)
    own = _own_score(session, rules, user, key) if user.leaderboard_opt_out else None
    standing = boards.standing(session, key, user_id=user.id or 0, own_score=own)
    rows = [*standing.top, *standing.above, *standing.below]
    names = _names(session, {row.user_id for row in rows})
    names[user.id or 0] = user.display_name
    me = _line(standing.mine, names, user.id or 0) if standing.mine else None
    near = [_line(r, names, user.id or 0) for r in standing.above]
    near += [me] if me else []
    near += [_line(r, names, user.id or 0) for r in standing.below]
    top = [_line(r, names, user.id or 0) for r in standing.top]
    return BoardView(period, top, me, near, standing.size, user.leaderboard_opt_out)


def cohort_board(
    session: Session, *, rules: ProgramSpec, user: User, cohort_id: int, period: Period
) -> tuple[Cohort, BoardView, bool]:
    """A cohort's board: its learners only (a few hundred at most, ranked here), and
    whether the viewer runs the cohort (and may hide the board)."""
    cohort = cohorts.for_member(session, user=user, cohort_id=cohort_id)
    staff = cohorts.can_manage(session, user=user, cohort=cohort)
    if cohort.leaderboard_hidden and not staff:
        hidden = BoardView(period, [], None, [], 0, user.leaderboard_opt_out, hidden=True)
        return cohort, hidden, staff
    key = board_key(period, rules)
    scores = session.exec(
        select(User.id, User.display_name, BoardScore.score)
        .join(CohortMember, col(CohortMember.user_id) == col(User.id))
        .join(BoardScore, col(BoardScore.user_id) == col(User.id))
        .where(CohortMember.cohort_id == cohort_id, BoardScore.board == key)
    ).all()
    private = None
    if user.leaderboard_opt_out and not staff:
        private = _own_score(session, rules, user, key)
    lines, me, near = ranked_lines(scores, user=user, private_score=private)
    view = BoardView(period, lines[: boards.TOP], me, near, len(lines), user.leaderboard_opt_out,
                     hidden=cohort.leaderboard_hidden)  # fmt: skip
    return cohort, view, staff


def ranked_lines(
    scores: Iterable[tuple[int | None, str, int]], *, user: User, private_score: int | None = None
) -> tuple[list[Line], Line | None, list[Line]]:
    """(user, display name, score) rows of a board small enough to rank here: every line
    in rank order, mine, and mine with my neighbours. ``private_score`` places a learner
    who is not on the board (opted out) where they would be, for their eyes only."""
    rows = list(scores)
    names = {u or 0: n for u, n, _ in rows}
    ranked = boards.ranked(boards.board_order((u or 0, s) for u, _, s in rows))
    lines = [_line(row, names, user.id or 0) for row in ranked]
    me = next((line for line in lines if line.is_me), None)
    if me is None and private_score is not None:
        above = sum(1 for line in lines if line.score > private_score)
        me = Line(above + 1, user.display_name, private_score, True)
    near = []
    if me is not None and me in lines:
        at = lines.index(me)
        near = lines[max(0, at - boards.NEIGHBOURS) : at + boards.NEIGHBOURS + 1]
    return lines, me, near


def set_hidden(session: Session, *, actor: User, cohort_id: int, hidden: bool) -> Cohort:
    cohort = cohorts.for_trainer(session, user=actor, cohort_id=cohort_id)
    cohort.leaderboard_hidden = hidden
    session.add(cohort)
    audit.record(session, actor=actor, action="cohort.leaderboard", target_type="cohort",
                 target_id=cohort.id, hidden=hidden)  # fmt: skip
    return cohort


def set_opt_out(session: Session, *, rules: ProgramSpec, user: User, opt_out: bool) -> None:
    """Leaves every board, or comes back with the scores the ledger gives."""
    # Lock the learner's total first, as awards do: an award in flight finishes before
    # (and its board rows are removed here) or runs after (and sees the new choice).
    session.execute(
        update(UserPoints).where(col(UserPoints.user_id) == user.id).values(total=UserPoints.total)
    )
    account = session.get(User, user.id)
    assert account is not None
    if account.leaderboard_opt_out == opt_out:
        return
    account.leaderboard_opt_out = opt_out
    session.add(account)
    if opt_out:
        boards.leave(session, user_id=user.id or 0)
        return
    scores = {}
    for period in PERIODS:
        key = board_key(period, rules)
        score = _own_score(session, rules, account, key)
        if score is not None:
            scores[key] = score
    boards.join(session, user_id=user.id or 0, scores=scores)
