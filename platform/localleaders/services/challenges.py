"""Community challenges: who sees and runs them, creating and changing them, closing them.

A cohort's challenge is seen by its members and trainers, run by its trainers (and
admins); a program-wide one is seen by everyone signed in and run by admins. Everything
about a challenge may change until it starts; after that only its texts, so nobody's
standing moves under them. It closes by itself ``review_days`` after its last day (or
sooner, by a trainer, once the last day is over): standings freeze and places are awarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import challenges as scores
from localleaders.i18n import LOCALES, N_, Message
from localleaders.models import (
    Challenge,
    ChallengeFormat,
    Cohort,
    CohortStatus,
    Measure,
    Role,
    User,
)
from localleaders.models.base import utcnow
from localleaders.services import audit, challenge_results, cohorts
from localleaders.services.accounts import clean_text
from localleaders.services.errors import Conflict, InvalidInput, NotFound

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
LONGEST = timedelta(days=366)
GOAL_MAX = 1_000_000


def _is_admin(user: User) -> bool:
    return user.role == Role.admin.value


def can_run(session: Session, *, user: User, challenge: Challenge) -> bool:
    if _is_admin(user):
        return True
    cohort = session.get(Cohort, challenge.cohort_id) if challenge.cohort_id else None
    return cohort is not None and cohorts.can_manage(session, user=user, cohort=cohort)


def for_member(session: Session, *, user: User, challenge_id: int) -> Challenge:
    """The challenge if ``user`` may see it; NotFound otherwise (it does not exist for them)."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound()
    if challenge.cohort_id is not None:
        cohorts.for_member(session, user=user, cohort_id=challenge.cohort_id)
    return challenge


def for_staff(session: Session, *, user: User, challenge_id: int) -> Challenge:
    challenge = for_member(session, user=user, challenge_id=challenge_id)
    if not can_run(session, user=user, challenge=challenge):
        raise NotFound()
    return challenge


def visible_to(session: Session, *, user: User) -> list[Challenge]:
    """Program-wide challenges and those of the cohorts the user belongs to or runs."""
    mine = {c.id for c in cohorts.joined_by(session, user_id=user.id or 0)}
    if user.role in (Role.trainer.value, Role.admin.value):
        mine |= {c.id for c in cohorts.trained_by(session, user=user)}
    query = select(Challenge).where(
        col(Challenge.cohort_id).is_(None) | col(Challenge.cohort_id).in_(mine)
    )
    return list(session.exec(query.order_by(col(Challenge.starts_on).desc(), col(Challenge.id))))


def started(challenge: Challenge, rules: ProgramSpec, now: datetime | None = None) -> bool:
    return scores.today(rules, now) >= challenge.starts_on


def ended(challenge: Challenge, rules: ProgramSpec, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= scores.window(challenge, rules)[1]


# --- the form -------------------------------------------------------------------------


@dataclass
class ChallengeForm:
    cohort_id: str = ""  # "" for program-wide
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    starts_on: str = ""
    ends_on: str = ""
    measure: str = ""
    action_types: list[str] = field(default_factory=list)
    format: str = ""
    goal: str = ""
    learner_teams: bool = True


def _texts(form: ChallengeForm, errors: dict[str, Message]) -> tuple[dict[str, str], ...]:
    titles = {lang: clean_text(form.titles.get(lang, "")) for lang in LOCALES}
    descriptions = {lang: form.descriptions.get(lang, "").strip() for lang in LOCALES}
    if not any(titles.values()):
        errors["title_en"] = Message(N_("Give the challenge a title in at least one language."))
    for lang in LOCALES:
        if len(titles[lang]) > TITLE_MAX:
            errors[f"title_{lang}"] = Message(N_("A title is at most 120 characters."))
        if len(descriptions[lang]) > DESCRIPTION_MAX:
            errors[f"description_{lang}"] = Message(N_("A description is at most 2000 characters."))
    return (
        {k: v for k, v in titles.items() if v},
        {k: v for k, v in descriptions.items() if v},
    )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _rules_of(
    form: ChallengeForm, rules: ProgramSpec, errors: dict[str, Message], today: date
) -> dict[str, object]:
    """The parts that decide standings, checked: window, measure, format, goal."""
    starts, ends = _day(form.starts_on), _day(form.ends_on)
    if starts is None:
        errors["starts_on"] = Message(N_("Enter the first day as a date."))
    if ends is None:
        errors["ends_on"] = Message(N_("Enter the last day as a date."))
    elif starts is not None and ends < starts:
        errors["ends_on"] = Message(N_("The last day cannot be before the first."))
    elif starts is not None and ends - starts > LONGEST:
        errors["ends_on"] = Message(N_("A challenge lasts a year at most."))
    elif ends < today:
        errors["ends_on"] = Message(N_("This last day has already passed."))
    if form.measure not in {m.value for m in Measure}:
        errors["measure"] = Message(N_("Choose what counts in this challenge."))
    known = {a.key for a in rules.action_types}
    types = [t for t in dict.fromkeys(form.action_types) if t]
    if any(t not in known for t in types):
        errors["action_types"] = Message(N_("Choose action types from the list."))
    if form.format not in {f.value for f in ChallengeFormat}:
        errors["format"] = Message(N_("Choose a format."))
    goal = None
    if form.format == ChallengeFormat.cooperative.value:
        goal = int(form.goal) if form.goal.strip().isdigit() else 0
        if not 1 <= goal <= GOAL_MAX:
            errors["goal"] = Message(
                N_("Give the shared goal as a whole number from 1 to 1,000,000.")
            )
    in_actions = form.measure in (Measure.actions.value, Measure.residents.value)
    return {
        "starts_on": starts, "ends_on": ends, "measure": form.measure, "format": form.format,
        "action_types": types if in_actions else [], "goal": goal,
        "learner_teams": form.learner_teams,
    }  # fmt: skip


def _scope(session: Session, actor: User, raw: str, errors: dict[str, Message]) -> int | None:
    if not raw:
        if not _is_admin(actor):
            errors["cohort_id"] = Message(N_("Only administrators run program-wide challenges."))
        return None
    cohort = session.get(Cohort, int(raw)) if raw.isdigit() else None
    if cohort is None or not cohorts.can_manage(session, user=actor, cohort=cohort):
        errors["cohort_id"] = Message(N_("Choose one of the cohorts you run."))
        return None
    if cohort.status != CohortStatus.open.value:
        errors["cohort_id"] = Message(N_("This cohort is closed."))
    return cohort.id


def create(
    session: Session, *, actor: User, form: ChallengeForm, rules: ProgramSpec,
    now: datetime | None = None,
) -> Challenge:  # fmt: skip
    errors: dict[str, Message] = {}
    cohort_id = _scope(session, actor, form.cohort_id, errors)
    titles, descriptions = _texts(form, errors)
    values = _rules_of(form, rules, errors, scores.today(rules, now))
    if errors:
        raise InvalidInput(errors)
    challenge = Challenge(cohort_id=cohort_id, title=titles, description=descriptions,
                          created_by=actor.id, **values)  # type: ignore[arg-type]  # fmt: skip
    session.add(challenge)
    session.flush()
    scores.rebuild(session, challenge, rules)  # a window already begun counts from its start
    audit.record(session, actor=actor, action="challenge.create", target_type="challenge",
                 target_id=challenge.id, cohort_id=cohort_id)  # fmt: skip
    return challenge


def update_challenge(
    session: Session, *, actor: User, challenge: Challenge, form: ChallengeForm,
    rules: ProgramSpec, now: datetime | None = None,
) -> Challenge:  # fmt: skip
    """Texts always (until it closes); the rest only before it starts."""
    if challenge.closed_at is not None:
        raise Conflict(Message(N_("This challenge is closed: it cannot change any more.")))
    errors: dict[str, Message] = {}
    titles, descriptions = _texts(form, errors)
    values = None
    if not started(challenge, rules, now):
        values = _rules_of(form, rules, errors, scores.today(rules, now))
    if errors:
        raise InvalidInput(errors)
    challenge.title, challenge.description = titles, descriptions
    for name, value in (values or {}).items():
        setattr(challenge, name, value)
    session.add(challenge)
    session.flush()
    if values is not None:
        scores.rebuild(session, challenge, rules)
    audit.record(session, actor=actor, action="challenge.update", target_type="challenge",
                 target_id=challenge.id)  # fmt: skip
    return challenge


def delete(
    session: Session, *, actor: User, challenge: Challenge, rules: ProgramSpec,
    now: datetime | None = None,
) -> None:  # fmt: skip
    if started(challenge, rules, now):
        raise Conflict(Message(N_("A challenge that has started cannot be deleted.")))
    audit.record(session, actor=actor, action="challenge.delete", target_type="challenge",
                 target_id=challenge.id)  # fmt: skip
    session.delete(challenge)


def set_hidden(session: Session, *, actor: User, challenge: Challenge, hidden: bool) -> None:
    challenge.board_hidden = hidden
    session.add(challenge)
    audit.record(session, actor=actor, action="challenge.leaderboard", target_type="challenge",
                 target_id=challenge.id, hidden=hidden)  # fmt: skip


# --- closing --------------------------------------------------------------------------


def close(
    session: Session, *, challenge: Challenge, rules: ProgramSpec, actor: User | None = None,
    now: datetime | None = None,
) -> bool:  # fmt: skip
    """Freezes the standings and awards places; False when it was closed already."""
    moment = now or utcnow()
    if not ended(challenge, rules, moment):
        raise Conflict(Message(N_("A challenge can close only after its last day.")))
    closing = session.execute(
        update(Challenge)
        .where(col(Challenge.id) == challenge.id, col(Challenge.closed_at).is_(None))
        .values(closed_at=moment)
    )
    if not closing.rowcount:  # type: ignore[attr-defined]
        return False  # closed already, or by a concurrent request (which awards the places)
    session.refresh(challenge)
    scores.rebuild(session, challenge, rules)  # exact, with everything committed before
    challenge_results.award(session, challenge=challenge, rules=rules)
    if actor is not None:
        audit.record(session, actor=actor, action="challenge.close", target_type="challenge",
                     target_id=challenge.id)  # fmt: skip
    return True


def _due(rules: ProgramSpec, moment: datetime):  # type: ignore[no-untyped-def]
    latest = scores.today(rules, moment) - timedelta(days=rules.challenges.review_days)
    return select(Challenge).where(
        col(Challenge.closed_at).is_(None), col(Challenge.ends_on) < latest
    )


def due(session: Session, *, rules: ProgramSpec, now: datetime | None = None) -> bool:
    """Whether a challenge waits to be closed (its review days are over)."""
    return session.exec(_due(rules, now or utcnow()).limit(1)).first() is not None


def close_due(session: Session, *, rules: ProgramSpec, now: datetime | None = None) -> list[int]:
    """Closes every challenge whose review days are over; returns their ids."""
    moment = now or utcnow()
    closed = []
    for challenge in session.exec(_due(rules, moment)).all():
        if close(session, challenge=challenge, rules=rules, now=moment):
            closed.append(challenge.id or 0)
    return closed


def rebuild_open(session: Session, *, rules: ProgramSpec) -> int:
    """Every open challenge's scores again from the records; returns how many."""
    open_ones = session.exec(select(Challenge).where(col(Challenge.closed_at).is_(None))).all()
    for challenge in open_ones:
        scores.rebuild(session, challenge, rules)
    return len(open_ones)
