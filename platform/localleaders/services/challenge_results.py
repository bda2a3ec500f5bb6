"""Standings of a challenge, from the kept scores: learners, teams, the shared total; and
the places and rewards given when it closes.

Learners who left the boards (account setting) are on no learner standing and take no
individual place; their contribution still counts for their team and the shared goal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import boards
from localleaders.gamification import challenges as scores
from localleaders.gamification.engine import Rewards
from localleaders.models import (
    Challenge,
    ChallengeFormat,
    ChallengeScore,
    ChallengeTeam,
    ChallengeTeamMember,
    User,
)

PODIUM = 3  # places that earn points and the podium badge


@dataclass(frozen=True)
class TeamLine:
    rank: int
    team_id: int
    name: str
    score: int
    members: int
    is_mine: bool = False


def learner_scores(session: Session, challenge: Challenge) -> list[tuple[int | None, str, int]]:
    """(user, display name, score) of the learners on the challenge's board: those with a
    contribution who did not leave the boards (and, while open, still take part)."""
    query = (
        select(User.id, User.display_name, ChallengeScore.score)
        .join(ChallengeScore, col(ChallengeScore.user_id) == col(User.id))
        .where(
            ChallengeScore.challenge_id == challenge.id,
            ChallengeScore.score > 0,
            col(User.leaderboard_opt_out).is_(False),
        )
    )
    if challenge.format == ChallengeFormat.teams.value:
        members = select(ChallengeTeamMember.user_id).where(
            ChallengeTeamMember.challenge_id == challenge.id
        )
        query = query.where(col(User.id).in_(members))
    if challenge.closed_at is None:
        query = query.where(col(User.id).in_(scores.participants(challenge)))
    return list(session.exec(query).all())


def score_of(session: Session, challenge: Challenge, user_id: int) -> int:
    found = session.exec(
        select(ChallengeScore.score).where(
            ChallengeScore.challenge_id == challenge.id, ChallengeScore.user_id == user_id
        )
    ).first()
    return found or 0


def shared_total(session: Session, challenge: Challenge) -> int:
    """Everyone's contributions together (the cooperative goal's progress)."""
    query = select(func.coalesce(func.sum(ChallengeScore.score), 0)).where(
        ChallengeScore.challenge_id == challenge.id
    )
    if challenge.closed_at is None:
        query = query.where(col(ChallengeScore.user_id).in_(scores.participants(challenge)))
    return int(session.exec(query).one())


def team_lines(session: Session, challenge: Challenge, mine: int | None = None) -> list[TeamLine]:
    """Teams ranked by the sum of their members' contributions; ties share a rank."""
    rows = session.exec(
        select(
            ChallengeTeam.id,
            ChallengeTeam.name,
            func.count(col(ChallengeTeamMember.user_id)),
            func.coalesce(func.sum(ChallengeScore.score), 0),
        )
        .outerjoin(ChallengeTeamMember, col(ChallengeTeamMember.team_id) == col(ChallengeTeam.id))
        .outerjoin(
            ChallengeScore,
            (col(ChallengeScore.challenge_id) == col(ChallengeTeam.challenge_id))
            & (col(ChallengeScore.user_id) == col(ChallengeTeamMember.user_id)),
        )
        .where(ChallengeTeam.challenge_id == challenge.id)
        .group_by(col(ChallengeTeam.id), col(ChallengeTeam.name))
    ).all()
    ordered = sorted(rows, key=lambda row: (-int(row[3]), row[1].casefold()))
    lines, rank, previous = [], 0, None
    for position, (team_id, name, members, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        lines.append(TeamLine(rank, team_id or 0, name, int(score), int(members), team_id == mine))
    return lines


def team_of(session: Session, challenge: Challenge, user_id: int) -> int | None:
    return session.exec(
        select(ChallengeTeamMember.team_id).where(
            ChallengeTeamMember.challenge_id == challenge.id,
            ChallengeTeamMember.user_id == user_id,
        )
    ).first()


def award(session: Session, *, challenge: Challenge, rules: ProgramSpec) -> None:
    """At closing: freezes each learner's place on the board and rewards through the rules
    (places 1-3 of learners or teams; every contributor when a shared goal is reached)."""
    placed = boards.ranked(
        boards.board_order((u or 0, s) for u, _, s in learner_scores(session, challenge))
    )
    for row in placed:
        stored = session.get(ChallengeScore, (challenge.id, row.user_id))
        if stored is not None:
            stored.place = row.rank
            session.add(stored)
    key, note = scores.key_of(challenge), _note(challenge)
    if challenge.format == ChallengeFormat.individual.value:
        for row in placed:
            if row.rank <= PODIUM:
                _reward(
                    session,
                    rules,
                    row.user_id,
                    lambda r, place=row.rank: r.placed(key, place, note=note),
                )
    elif challenge.format == ChallengeFormat.teams.value:
        _award_teams(session, challenge, rules, key, note)
    elif challenge.goal and shared_total(session, challenge) >= challenge.goal:
        amount = rules.points.challenge_goal
        for user_id in _contributors(session, challenge):
            _reward(
                session,
                rules,
                user_id,
                lambda r: r.points(
                    amount, reason="challenge_goal", source_key=f"challenge-goal:{key}", note=note
                ),
            )


def _award_teams(session: Session, challenge: Challenge, rules: ProgramSpec, key: str,
                 note: str) -> None:  # fmt: skip
    for team in team_lines(session, challenge):
        if team.rank > PODIUM or team.score <= 0:
            continue
        members = session.exec(
            select(ChallengeScore.user_id)
            .join(
                ChallengeTeamMember,
                (col(ChallengeTeamMember.user_id) == col(ChallengeScore.user_id))
                & (col(ChallengeTeamMember.challenge_id) == col(ChallengeScore.challenge_id)),
            )
            .where(ChallengeTeamMember.team_id == team.team_id, ChallengeScore.score > 0)
        ).all()
        for user_id in members:
            _reward(
                session, rules, user_id, lambda r, place=team.rank: r.placed(key, place, note=note)
            )


def _contributors(session: Session, challenge: Challenge) -> list[int]:
    return list(
        session.exec(
            select(ChallengeScore.user_id).where(
                ChallengeScore.challenge_id == challenge.id, ChallengeScore.score > 0
            )
        ).all()
    )


def _reward(session: Session, rules: ProgramSpec, user_id: int, give) -> None:  # type: ignore[no-untyped-def]
    rewards = Rewards(session, rules, user_id)
    give(rewards)
    rewards.finish()


def _note(challenge: Challenge) -> str:
    title = challenge.title
    return (title.get("en") or next(iter(title.values()), ""))[:200]
