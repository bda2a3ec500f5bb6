"""Challenges as people see them: the list, one challenge's page, a team's board, the form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import boards
from localleaders.gamification import challenges as scores
from localleaders.i18n import LOCALES
from localleaders.models import (
    Challenge,
    ChallengeFormat,
    ChallengeScore,
    ChallengeTeam,
    ChallengeTeamMember,
    Cohort,
    User,
)
from localleaders.models.base import utcnow
from localleaders.services import challenge_results, challenge_teams, challenges, cohorts
from localleaders.services.errors import NotFound
from localleaders.services.leaderboards import BoardView, Line, ranked_lines


def text_in(texts: dict[str, str], locale: str, default: str) -> tuple[str, str]:
    """(text, its language): the reader's language, the program's, English, then any."""
    for language in (locale, default, "en", *LOCALES):
        if texts.get(language):
            return texts[language], language
    return "", locale


def phase_of(challenge: Challenge, rules: ProgramSpec, now: datetime) -> str:
    if challenge.closed_at is not None:
        return "closed"
    start, end = scores.window(challenge, rules)
    return "upcoming" if now < start else "running" if now < end else "reviewing"


@dataclass(frozen=True)
class Card:
    challenge: Challenge
    title: str
    title_lang: str
    phase: str
    cohort_name: str | None


@dataclass
class Page:
    card: Card
    description: str
    description_lang: str
    until: timedelta | None  # to the start, the end, or the close, by phase
    closes_on: Any  # the day it closes by itself (a date)
    staff: bool
    participant: bool
    my_score: int | None
    board: BoardView
    total: int = 0
    teams: list[challenge_results.TeamLine] = field(default_factory=list)
    my_team: challenge_results.TeamLine | None = None

    @property
    def percent(self) -> int:
        goal = self.card.challenge.goal or 0
        return min(100, self.total * 100 // goal) if goal else 0

    @property
    def team_changes_open(self) -> bool:
        """The viewer may form, join or leave a team now."""
        challenge = self.card.challenge
        return (
            self.participant and self.card.phase == "upcoming" and challenge.learner_teams
            and challenge.format == ChallengeFormat.teams.value
        )  # fmt: skip


def cards(
    session: Session, *, user: User, rules: ProgramSpec, locale: str, default: str
) -> list[Card]:
    found = challenges.visible_to(session, user=user)
    ids = {c.cohort_id for c in found if c.cohort_id}
    names = dict(session.exec(select(Cohort.id, Cohort.name).where(col(Cohort.id).in_(ids))).all())
    now = utcnow()
    return [_card(c, rules, locale, default, now, names.get(c.cohort_id)) for c in found]


def _card(
    challenge: Challenge, rules: ProgramSpec, locale: str, default: str, now: datetime,
    cohort_name: str | None,
) -> Card:  # fmt: skip
    title, lang = text_in(challenge.title, locale, default)
    return Card(challenge, title, lang, phase_of(challenge, rules, now), cohort_name)


def _cohort_name(session: Session, challenge: Challenge) -> str | None:
    cohort = session.get(Cohort, challenge.cohort_id) if challenge.cohort_id else None
    return cohort.name if cohort else None


def page(
    session: Session, *, user: User, challenge: Challenge, rules: ProgramSpec, locale: str,
    default: str,
) -> Page:  # fmt: skip
    now = utcnow()
    card = _card(challenge, rules, locale, default, now, _cohort_name(session, challenge))
    description, description_lang = text_in(challenge.description, locale, default)
    staff = challenges.can_run(session, user=user, challenge=challenge)
    participant = challenge_teams.takes_part(session, challenge, user.id or 0)
    start, end = scores.window(challenge, rules)
    closes = scores.closes_at(challenge, rules)
    moments = {"upcoming": start, "running": end, "reviewing": closes}
    until = moments[card.phase] - now if card.phase in moments else None
    mine = challenge_results.score_of(session, challenge, user.id or 0) if participant else None
    view = Page(card, description, description_lang, until, closes.date(),
                staff, participant, mine, _board(session, challenge, user, staff, mine))  # fmt: skip
    view.total = challenge_results.shared_total(session, challenge)
    if challenge.format == ChallengeFormat.teams.value:
        team = challenge_results.team_of(session, challenge, user.id or 0)
        view.teams = challenge_results.team_lines(session, challenge, mine=team)
        view.my_team = next((line for line in view.teams if line.is_mine), None)
    return view


def _board(
    session: Session, challenge: Challenge, user: User, staff: bool, mine: int | None
) -> BoardView:
    opted_out = user.leaderboard_opt_out
    if challenge.board_hidden and not staff:
        return BoardView("all", [], None, [], 0, opted_out, hidden=True)
    rows = challenge_results.learner_scores(session, challenge)
    if challenge.closed_at is not None:
        return _frozen(session, challenge, user, rows, mine)
    private = mine if opted_out and mine else None
    lines, me, near = ranked_lines(rows, user=user, private_score=private)
    return BoardView("all", lines[: boards.TOP], me, near, len(lines), opted_out,
                     hidden=challenge.board_hidden)  # fmt: skip


def _frozen(
    session: Session,
    challenge: Challenge,
    user: User,
    rows: list[tuple[int | None, str, int]],
    mine: int | None,
) -> BoardView:
    """A closed challenge's board: the places given at its close."""
    places = dict(
        session.exec(
            select(ChallengeScore.user_id, ChallengeScore.place).where(
                ChallengeScore.challenge_id == challenge.id, col(ChallengeScore.place).is_not(None)
            )
        ).all()
    )
    lines = sorted(
        (Line(places[u or 0] or 0, name, score, u == user.id) for u, name, score in rows
         if (u or 0) in places),
        key=lambda line: (line.rank, line.name.casefold()),
    )  # fmt: skip
    me = next((line for line in lines if line.is_me), None)
    if me is None and user.leaderboard_opt_out and mine:  # where they would have finished
        me = Line(1 + sum(1 for line in lines if line.score > mine), user.display_name, mine, True)
    near: list[Line] = []
    if me is not None and me in lines:
        at = lines.index(me)
        near = lines[max(0, at - boards.NEIGHBOURS) : at + boards.NEIGHBOURS + 1]
    return BoardView("all", lines[: boards.TOP], me, near, len(lines), user.leaderboard_opt_out,
                     hidden=challenge.board_hidden)  # fmt: skip


@dataclass
class TeamPage:
    card: Card
    team: challenge_results.TeamLine
    board: BoardView
    hidden_members: int  # members who left the boards: counted, not named


def team_page(
    session: Session, *, user: User, challenge: Challenge, team_id: int, rules: ProgramSpec,
    locale: str, default: str,
) -> TeamPage:  # fmt: skip
    team = session.get(ChallengeTeam, team_id)
    if team is None or team.challenge_id != challenge.id:
        raise NotFound()
    mine = challenge_results.team_of(session, challenge, user.id or 0)
    line = next(
        t for t in challenge_results.team_lines(session, challenge, mine) if t.team_id == team_id
    )
    members = session.exec(
        select(User.id, User.display_name, User.leaderboard_opt_out, ChallengeScore.score)
        .join(ChallengeTeamMember, col(ChallengeTeamMember.user_id) == col(User.id))
        .outerjoin(ChallengeScore, (col(ChallengeScore.user_id) == col(User.id))
                   & (col(ChallengeScore.challenge_id) == challenge.id))
        .where(ChallengeTeamMember.team_id == team_id)
    ).all()  # fmt: skip
    shown = [(u, name, score or 0) for u, name, out, score in members if not out]
    staff = challenges.can_run(session, user=user, challenge=challenge)
    hidden = challenge.board_hidden and not staff
    lines, me, near = ranked_lines([] if hidden else shown, user=user)
    board = BoardView("all", lines[: boards.TOP], me, near, len(lines), user.leaderboard_opt_out,
                      hidden=hidden)  # fmt: skip
    card = _card(challenge, rules, locale, default, utcnow(), _cohort_name(session, challenge))
    return TeamPage(card, line, board, len(members) - len(shown))


def form_values(challenge: Challenge) -> dict[str, Any]:
    values: dict[str, Any] = {
        "cohort_id": str(challenge.cohort_id or ""), "starts_on": challenge.starts_on.isoformat(),
        "ends_on": challenge.ends_on.isoformat(), "measure": challenge.measure,
        "action_types": list(challenge.action_types), "format": challenge.format,
        "goal": str(challenge.goal or ""), "learner_teams": challenge.learner_teams,
    }  # fmt: skip
    for lang in LOCALES:
        values[f"title_{lang}"] = challenge.title.get(lang, "")
        values[f"description_{lang}"] = challenge.description.get(lang, "")
    return values


def scope_choices(session: Session, *, user: User) -> list[Cohort]:
    """Cohorts the user may run a challenge in (open ones)."""
    return [c for c in cohorts.trained_by(session, user=user) if c.status == "open"]
