"""Cheat guard: per-learner limits that keep points meaningful, kept in the database.

A lesson counts only after part of its stated reading time; events have cooldowns and daily
caps (courses/program.yaml, ``cheat_guard``). A check runs inside the use case's transaction
and raises ``Blocked``; the web layer then logs the attempt for trainers in a transaction of
its own (the use case's is rolled back, so a blocked attempt changes nothing else).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from localleaders.catalog.program import ProgramSpec
from localleaders.i18n import N_, Message
from localleaders.models import GuardBlock, GuardCounter, Lesson, LessonVisit
from localleaders.models.base import utcnow

MESSAGES = {
    "not_opened": N_("Open the lesson and read it first, then mark it as completed."),
    "too_soon": N_(
        "This lesson counts after about %(needed)s min with it. Take a little more time and "
        "try again in %(wait)s s."
    ),
    "cooldown": N_("That was quick! Please wait %(wait)s s before the next one."),
    "daily_cap": N_(
        "You have reached today's limit for this. It resets at midnight: see you tomorrow!"
    ),
}


class Blocked(Exception):
    def __init__(self, *, event: str, reason: str, wait: int, subject: str = "", needed: int = 0):
        super().__init__(reason)
        self.event, self.reason, self.wait, self.subject = event, reason, wait, subject
        values = {"wait": wait, "needed": needed} if reason in ("too_soon", "cooldown") else {}
        self.message = Message(MESSAGES[reason], values)


def check_reading_time(
    session: Session, rules: ProgramSpec, *, user_id: int, lesson: Lesson, now: datetime | None = None
) -> None:  # fmt: skip
    percent = rules.cheat_guard.lesson_min_time_percent
    if not percent:
        return
    seen = first_opened(session, user_id=user_id, lesson_id=lesson.id or 0)
    if seen is None:
        raise Blocked(event="lesson_completed", reason="not_opened", wait=0, subject=lesson.title)
    needed = lesson.minutes * 60 * percent / 100
    waited = ((now or utcnow()) - seen).total_seconds()
    if waited < needed:
        raise Blocked(event="lesson_completed", reason="too_soon", subject=lesson.title,
                      wait=math.ceil(needed - waited), needed=math.ceil(needed / 60))  # fmt: skip


def _until_midnight(now: datetime, rules: ProgramSpec) -> int:
    local = now.astimezone(rules.zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), rules.zone)
    return max(1, math.ceil((midnight - local).total_seconds()))


def count(
    session: Session, rules: ProgramSpec, *, user_id: int, event: str, subject: str = "",
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Counts one event, or raises Blocked when it is within the cooldown or over the cap.

    One conditional UPDATE decides, so concurrent requests cannot both slip under a limit.
    """
    limit = rules.cheat_guard.limits.get(event)  # type: ignore[call-overload]
    if limit is None:
        return
    now = now or utcnow()
    today = now.astimezone(rules.zone).date()
    cap = limit.daily_cap or 1_000_000
    cooldown = timedelta(seconds=limit.cooldown_seconds)
    same = (GuardCounter.user_id == user_id, GuardCounter.event == event)
    bump = (
        update(GuardCounter)
        .where(*same, GuardCounter.last_at <= now - cooldown)  # type: ignore[arg-type]
        .where(or_(GuardCounter.day != today, GuardCounter.day_count < cap))  # type: ignore[arg-type]
        .values(
            last_at=now,
            day=today,
            day_count=case((GuardCounter.day == today, GuardCounter.day_count + 1), else_=1),  # type: ignore[arg-type]
        )
    )
    if session.execute(bump).rowcount:  # type: ignore[attr-defined]
        return
    row = session.exec(select(GuardCounter).where(*same)).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    GuardCounter(user_id=user_id, event=event, last_at=now, day=today, day_count=1)
                )
            return
        except IntegrityError:  # a concurrent first event was counted; now try after it
            if session.execute(bump).rowcount:  # type: ignore[attr-defined]
                return
            row = session.exec(select(GuardCounter).where(*same)).one()
    if row.day == today and row.day_count >= cap:
        raise Blocked(event=event, reason="daily_cap", subject=subject,
                      wait=_until_midnight(now, rules))  # fmt: skip
    wait = math.ceil((row.last_at + cooldown - now).total_seconds())
    raise Blocked(event=event, reason="cooldown", subject=subject, wait=max(1, wait))


def log(session: Session, *, user_id: int, blocked: Blocked) -> None:
    session.add(
        GuardBlock(
            user_id=user_id,
            event=blocked.event,
            reason=blocked.reason,
            subject=blocked.subject[:200],
        )
    )


def first_opened(session: Session, *, user_id: int, lesson_id: int) -> datetime | None:
    return session.exec(
        select(LessonVisit.first_seen_at).where(
            LessonVisit.user_id == user_id, LessonVisit.lesson_id == lesson_id
        )
    ).first()


def record_visit(session: Session, *, user_id: int, lesson_id: int) -> None:
    """Remembers the first time a learner opened a lesson (later visits change nothing)."""
    try:
        with session.begin_nested():
            session.add(LessonVisit(user_id=user_id, lesson_id=lesson_id))
    except IntegrityError:
        pass
