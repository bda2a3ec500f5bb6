"""Teams of a team challenge: trainers make them (and put learners in them) until the
challenge closes; learners form, join and leave them until it starts, when the learner
may (``learner_teams``). A learner is in one team per challenge at most."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import challenges as scores
from localleaders.i18n import N_, Message
from localleaders.models import (
    Challenge,
    ChallengeFormat,
    ChallengeTeam,
    ChallengeTeamMember,
    User,
)
from localleaders.services import audit
from localleaders.services.accounts import clean_text
from localleaders.services.challenges import can_run, started
from localleaders.services.errors import Conflict, InvalidInput, NotFound

NAME_MIN, NAME_MAX = 2, 40


def takes_part(session: Session, challenge: Challenge, user_id: int) -> bool:
    query = select(User.id).where(
        col(User.id) == user_id, col(User.id).in_(scores.participants(challenge))
    )
    return session.exec(query).first() is not None


def _open_teams(challenge: Challenge) -> None:
    if challenge.format != ChallengeFormat.teams.value:
        raise Conflict(Message(N_("This challenge has no teams.")))
    if challenge.closed_at is not None:
        raise Conflict(Message(N_("This challenge is closed: it cannot change any more.")))


def _learner_may_change(
    session: Session, challenge: Challenge, user: User, rules: ProgramSpec, now: datetime | None
) -> None:
    _open_teams(challenge)
    if not takes_part(session, challenge, user.id or 0):
        raise Conflict(Message(N_("Only learners taking part in this challenge join its teams.")))
    if started(challenge, rules, now):
        raise Conflict(Message(N_("Teams are fixed once the challenge has started.")))


def _team(session: Session, challenge: Challenge, team_id: int) -> ChallengeTeam:
    team = session.get(ChallengeTeam, team_id)
    if team is None or team.challenge_id != challenge.id:
        raise NotFound()
    return team


def _name(session: Session, challenge: Challenge, raw: str) -> str:
    name = clean_text(raw)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise InvalidInput({"name": Message(N_("A team name has 2 to 40 characters."))})
    taken = session.exec(
        select(ChallengeTeam.id).where(
            ChallengeTeam.challenge_id == challenge.id,
            func.lower(ChallengeTeam.name) == name.lower(),
        )
    ).first()
    if taken is not None:
        raise InvalidInput({"name": Message(N_("A team of this challenge already has this name."))})
    return name


def create_team(
    session: Session, *, user: User, challenge: Challenge, name: str, rules: ProgramSpec,
    now: datetime | None = None,
) -> ChallengeTeam:  # fmt: skip
    """A trainer's new team, or a learner's, which they join at once."""
    staff = can_run(session, user=user, challenge=challenge)
    if staff:
        _open_teams(challenge)
    else:
        _learner_may_change(session, challenge, user, rules, now)
        if not challenge.learner_teams:
            raise Conflict(Message(N_("Your trainers form the teams of this challenge.")))
    team = ChallengeTeam(challenge_id=challenge.id or 0, name=_name(session, challenge, name),
                         created_by=user.id)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(team)
            session.flush()
    except IntegrityError:  # the same name, created at the same moment
        raise InvalidInput(
            {"name": Message(N_("A team of this challenge already has this name."))}
        ) from None
    if not staff:
        _put(session, challenge, team, user.id or 0)
    return team


def join_team(
    session: Session, *, user: User, challenge: Challenge, team_id: int, rules: ProgramSpec,
    now: datetime | None = None,
) -> ChallengeTeam:  # fmt: skip
    _learner_may_change(session, challenge, user, rules, now)
    team = _team(session, challenge, team_id)
    _put(session, challenge, team, user.id or 0)
    return team


def leave_team(
    session: Session, *, user: User, challenge: Challenge, rules: ProgramSpec,
    now: datetime | None = None,
) -> None:  # fmt: skip
    _learner_may_change(session, challenge, user, rules, now)
    member = session.get(ChallengeTeamMember, (challenge.id, user.id))
    if member is not None:
        session.delete(member)


def add_member(
    session: Session, *, actor: User, challenge: Challenge, team_id: str, username: str
) -> User:
    """A trainer puts a learner (by username) in a team, moving them from another."""
    _open_teams(challenge)
    if not team_id.isdigit():
        raise InvalidInput({"team": Message(N_("Choose a team."))})
    team = _team(session, challenge, int(team_id))
    learner = session.exec(
        select(User).where(User.username == username.strip().lower(), col(User.is_active))
    ).first()
    if learner is None or not takes_part(session, challenge, learner.id or 0):
        raise InvalidInput(
            {"username": Message(N_("No learner taking part in this challenge has this username."))}
        )
    _put(session, challenge, team, learner.id or 0)
    audit.record(session, actor=actor, action="challenge.team_member", target_type="challenge",
                 target_id=challenge.id, team_id=team.id, user_id=learner.id)  # fmt: skip
    return learner


def delete_team(
    session: Session, *, actor: User, challenge: Challenge, team_id: int, rules: ProgramSpec,
    now: datetime | None = None,
) -> None:  # fmt: skip
    _open_teams(challenge)
    team = _team(session, challenge, team_id)
    if started(challenge, rules, now):
        raise Conflict(Message(N_("Teams are fixed once the challenge has started.")))
    audit.record(session, actor=actor, action="challenge.team_delete", target_type="challenge",
                 target_id=challenge.id, team=team.name)  # fmt: skip
    session.delete(team)


def _put(session: Session, challenge: Challenge, team: ChallengeTeam, user_id: int) -> None:
    member = session.get(ChallengeTeamMember, (challenge.id, user_id))
    if member is None:
        try:
            with session.begin_nested():
                session.add(ChallengeTeamMember(challenge_id=challenge.id or 0, user_id=user_id,
                                                team_id=team.id or 0))  # fmt: skip
            return
        except IntegrityError:  # joined a team at the same moment elsewhere: move from it
            member = session.get(ChallengeTeamMember, (challenge.id, user_id))
            assert member is not None
    member.team_id = team.id or 0
    session.add(member)
