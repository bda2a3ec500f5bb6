"""Weekly activity streaks with earned freezes.

A week (Monday to Sunday in the program's time zone) counts when the learner completes a
lesson or logs an action. Each unbroken run of ``freeze_every_weeks`` earns a freeze (up to
``max_freezes``); a freeze covers one missed week, used up when the learner comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from localleaders.catalog.program import ProgramSpec, StreakRules
from localleaders.models import UserStreak
from localleaders.models.base import utcnow


def week_of(moment: datetime, rules: ProgramSpec) -> date:
    """The Monday starting the week of ``moment``, in the program's time zone."""
    day = moment.astimezone(rules.zone).date()
    return day - timedelta(days=day.weekday())


def missed_weeks(last: date, week: date) -> int:
    return (week - last).days // 7 - 1


def advance(streak: UserStreak, week: date, rules: StreakRules) -> bool:
    """Counts ``week`` as active. Returns False when it was already counted."""
    if streak.last_week is not None and week <= streak.last_week:
        return False
    missed = missed_weeks(streak.last_week, week) if streak.last_week else 0
    if streak.last_week is None or missed > streak.freezes:
        streak.current = 1
        streak.freezes = 0  # a broken streak spends what it had
    else:
        streak.freezes -= missed
        streak.freezes_used += missed
        streak.current += 1
    if streak.current % rules.freeze_every_weeks == 0:
        streak.freezes = min(rules.max_freezes, streak.freezes + 1)
    streak.best = max(streak.best, streak.current)
    streak.last_week = week
    streak.updated_at = utcnow()
    return True


def _locked(session: Session, user_id: int) -> UserStreak:
    """The learner's streak row, locked for this transaction (created on first activity)."""
    query = select(UserStreak).where(UserStreak.user_id == user_id).with_for_update()
    streak = session.exec(query).first()
    if streak is not None:
        return streak
    try:
        with session.begin_nested():
            session.add(UserStreak(user_id=user_id))
    except IntegrityError:
        pass  # a concurrent request created it; read theirs, locked
    return session.exec(query.execution_options(populate_existing=True)).one()


def record(
    session: Session, rules: ProgramSpec, user_id: int, when: datetime | None = None
) -> bool:
    """Counts the week of ``when`` (now) for the learner; True when the streak grew."""
    streak = _locked(session, user_id)
    grew = advance(streak, week_of(when or utcnow(), rules), rules.streaks)
    if grew:
        session.add(streak)
        session.flush()
    return grew


@dataclass(frozen=True)
class StreakView:
    current: int  # weeks in a row, 0 when broken
    best: int
    freezes: int
    this_week_done: bool
    # Weeks missed so far that freezes will cover when the learner is active again.
    covered: int

    @property
    def at_risk(self) -> bool:
        return self.current > 0 and not self.this_week_done


def view(streak: UserStreak | None, rules: ProgramSpec, now: datetime | None = None) -> StreakView:
    if streak is None or streak.last_week is None:
        return StreakView(0, 0, 0, False, 0)
    week = week_of(now or utcnow(), rules)
    if week <= streak.last_week:
        return StreakView(streak.current, streak.best, streak.freezes, True, 0)
    missed = missed_weeks(streak.last_week, week)
    if missed > streak.freezes:
        return StreakView(0, streak.best, 0, False, 0)
    return StreakView(streak.current, streak.best, streak.freezes - missed, False, missed)


def of_user(session: Session, rules: ProgramSpec, user_id: int) -> StreakView:
    return view(session.get(UserStreak, user_id), rules)
