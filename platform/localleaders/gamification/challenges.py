"""What a learner contributes to a community challenge, kept in ``challenge_score``.

What counts is what *happened* inside the window: a lesson completed in it, an action done
in it (verified whenever, as long as the challenge is not closed), a point earned in it;
points for an action count by the action's date, not the day a trainer verified it.

A use case that may change a contribution (anything that goes through ``Rewards``) calls
``refresh`` for its learner before committing: the learner's contribution to each live
challenge is derived again from the records, in the learner's own bounded rows, so it
cannot drift. Creating or changing a challenge ``rebuild``s it for everyone in it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.models import (
    ActionStatus,
    Challenge,
    ChallengeScore,
    CohortMember,
    CommunityAction,
    LessonCompletion,
    Measure,
    PointEntry,
    Role,
    User,
    UserPoints,
)
from localleaders.models.base import utcnow


def key_of(challenge: Challenge) -> str:
    """The challenge's key in placements and the ledger (no ':', see Rewards.placed)."""
    return f"challenge-{challenge.id}"


def today(rules: ProgramSpec, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(rules.zone).date()


def window(challenge: Challenge, rules: ProgramSpec) -> tuple[datetime, datetime]:
    """From midnight of the first day to midnight after the last, in the program's zone."""
    start = datetime.combine(challenge.starts_on, time.min, rules.zone)
    end = datetime.combine(challenge.ends_on + timedelta(days=1), time.min, rules.zone)
    return start, end


def closes_at(challenge: Challenge, rules: ProgramSpec) -> datetime:
    """When it closes by itself: the review days after the window's end."""
    return window(challenge, rules)[1] + timedelta(days=rules.challenges.review_days)


def participants(challenge: Challenge):  # type: ignore[no-untyped-def]
    """A query of the user ids taking part: the cohort's learners, or every learner."""
    if challenge.cohort_id is not None:
        return select(CohortMember.user_id).where(CohortMember.cohort_id == challenge.cohort_id)
    return select(User.id).where(User.role == Role.learner.value, col(User.is_active))


def tally(
    session: Session, challenge: Challenge, rules: ProgramSpec, users: Collection[int] | None = None
) -> dict[int, int]:
    """Contributions of ``users`` (everyone taking part when None), from the records."""
    who = list(users) if users is not None else participants(challenge)
    start, end = window(challenge, rules)
    if challenge.measure == Measure.lessons.value:
        query = select(LessonCompletion.user_id, func.count()).where(
            col(LessonCompletion.user_id).in_(who),
            col(LessonCompletion.completed_at) >= start,
            col(LessonCompletion.completed_at) < end,
        )
        return _rows(session, query.group_by(col(LessonCompletion.user_id)))
    if challenge.measure == Measure.points.value:
        return _points(session, challenge, rules, who)
    amount = (
        func.count()
        if challenge.measure == Measure.actions.value
        else func.sum(CommunityAction.residents_mobilised)
    )
    query = select(CommunityAction.user_id, amount).where(
        col(CommunityAction.user_id).in_(who),
        CommunityAction.status == ActionStatus.verified.value,
        *_done_inside(challenge),
    )
    if challenge.action_types:
        query = query.where(col(CommunityAction.type).in_(challenge.action_types))
    return _rows(session, query.group_by(col(CommunityAction.user_id)))


def _done_inside(challenge: Challenge) -> list:  # type: ignore[type-arg]
    return [
        col(CommunityAction.happened_on) >= challenge.starts_on,
        col(CommunityAction.happened_on) <= challenge.ends_on,
    ]


def _rows(session: Session, query) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return {user_id: int(amount or 0) for user_id, amount in session.exec(query)}


def _points(
    session: Session, challenge: Challenge, rules: ProgramSpec, who: object
) -> dict[int, int]:
    start, end = window(challenge, rules)
    by_action = col(PointEntry.source_key).startswith("action:")
    query = select(PointEntry.user_id, func.sum(PointEntry.amount)).where(
        col(PointEntry.user_id).in_(who),  # type: ignore[arg-type]
        col(PointEntry.created_at) >= start,
        col(PointEntry.created_at) < end,
        ~by_action,
    )
    result = _rows(session, query.group_by(col(PointEntry.user_id)))
    inside = select(CommunityAction.id).where(
        col(CommunityAction.user_id).in_(who),  # type: ignore[arg-type]
        *_done_inside(challenge),
    )
    actions = {f"action:{action_id}" for action_id in session.exec(inside)}
    if not actions:
        return result
    rows = session.exec(
        select(PointEntry.user_id, PointEntry.source_key, PointEntry.amount).where(
            col(PointEntry.user_id).in_(who),  # type: ignore[arg-type]
            by_action,
        )
    )
    for user_id, key, amount in rows:
        if ":".join(key.split(":")[:2]) in actions:
            result[user_id] = result.get(user_id, 0) + amount
    return result


def live_for(
    session: Session, rules: ProgramSpec, user_id: int, now: datetime | None = None
) -> list[Challenge]:
    """Challenges the learner takes part in that have started and not closed."""
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
    learner = select(User.id).where(User.id == user_id, User.role == Role.learner.value)
    query = select(Challenge).where(
        col(Challenge.closed_at).is_(None),
        col(Challenge.starts_on) <= today(rules, now),
        or_(
            col(Challenge.cohort_id).in_(cohorts),
            col(Challenge.cohort_id).is_(None) & learner.exists(),
        ),
    )
    return list(session.exec(query))


def refresh(
    session: Session, rules: ProgramSpec, user_id: int, now: datetime | None = None
) -> None:
    """Derives the learner's contribution to each live challenge again."""
    challenges = live_for(session, rules, user_id, now)
    if not challenges:
        return
    # The learner's total is the lock awards take: two use cases of one learner refresh in
    # turn, each seeing what the other committed.
    session.execute(
        update(UserPoints).where(col(UserPoints.user_id) == user_id).values(total=UserPoints.total)
    )
    for challenge in challenges:
        if _hold_open(session, challenge):
            score = tally(session, challenge, rules, [user_id]).get(user_id, 0)
            _store(session, challenge.id or 0, user_id, score)


def _hold_open(session: Session, challenge: Challenge) -> bool:
    """Takes a shared lock on the challenge while it is open: closing waits for scores in
    flight, and scores arriving after the close see it closed (PostgreSQL; SQLite has
    one writer at a time anyway)."""
    found = session.exec(
        select(Challenge.id)
        .where(Challenge.id == challenge.id, col(Challenge.closed_at).is_(None))
        .with_for_update(read=True)
    ).first()
    return found is not None


def rebuild(session: Session, challenge: Challenge, rules: ProgramSpec) -> None:
    """Every contribution again, for everyone in it (a new or changed challenge)."""
    assert challenge.id is not None
    scores = tally(session, challenge, rules)
    stored = dict(
        session.exec(
            select(ChallengeScore.user_id, ChallengeScore.score).where(
                ChallengeScore.challenge_id == challenge.id
            )
        ).all()
    )
    for user_id in stored.keys() | scores.keys():
        if stored.get(user_id) != scores.get(user_id, 0):
            _store(session, challenge.id, user_id, scores.get(user_id, 0))


def _store(session: Session, challenge_id: int, user_id: int, score: int) -> None:
    where = (
        col(ChallengeScore.challenge_id) == challenge_id,
        col(ChallengeScore.user_id) == user_id,
    )
    changed = session.execute(update(ChallengeScore).where(*where).values(score=score))
    if changed.rowcount or not score:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(ChallengeScore(challenge_id=challenge_id, user_id=user_id, score=score))
    except IntegrityError:  # a concurrent rebuild inserted it first
        session.execute(update(ChallengeScore).where(*where).values(score=score))
