"""The same award arriving 50 times at once is recorded exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.models import (
    BadgeAward,
    GuardCounter,
    LessonCompletion,
    Notification,
    PointEntry,
    UserPoints,
    UserStreak,
)
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users
from tests.integration.test_guard import backdate_visits
from tests.integration.test_learning import quiz_answers, quiz_lesson_points

ATTEMPTS = 50


def fire(app: FastAPI, cookies: httpx.Cookies, url: str, data: dict | None) -> list[int]:
    """Runs the requests on an event loop of their own thread: the browser tests' Playwright
    keeps a loop running in the main thread, where asyncio.run() refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, _fire(app, cookies, url, data)).result()


async def _fire(app: FastAPI, cookies: httpx.Cookies, url: str, data: dict | None) -> list[int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://testserver", cookies=cookies
    ) as client:
        responses = await asyncio.gather(
            *(client.post(url, data=data, headers={"HX-Request": "true"}) for _ in range(ATTEMPTS))
        )
    return [response.status_code for response in responses]


def _ledger(session: Session, user_id: int | None) -> tuple[int, int, int]:
    entries = session.exec(
        select(func.count()).select_from(PointEntry).where(PointEntry.user_id == user_id)
    ).one()
    total = session.exec(select(UserPoints.total).where(UserPoints.user_id == user_id)).one()
    summed = session.exec(
        select(func.sum(PointEntry.amount)).where(PointEntry.user_id == user_id)
    ).one()
    return entries, total, summed


def test_fifty_simultaneous_completions_award_once(
    app: FastAPI, client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    statuses = fire(app, client.cookies, f"/courses/{COURSE}/{PLAIN_LESSON}/complete", None)
    assert statuses == [200] * ATTEMPTS
    entries, total, summed = _ledger(session, user.id)
    assert entries == 1 and total == summed == 15
    completions = session.exec(select(func.count()).select_from(LessonCompletion)).one()
    assert completions == 1
    # ... and one badge, one notification and one streak week
    badges = session.exec(select(BadgeAward.badge_key).where(BadgeAward.user_id == user.id)).all()
    assert badges == ["first-step"]
    notes = session.exec(select(func.count()).where(Notification.user_id == user.id)).one()
    assert notes == 1
    streak = session.get(UserStreak, user.id)
    assert streak is not None and streak.current == 1


def test_fifty_simultaneous_quiz_passes_award_once(
    app: FastAPI, client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    answers = quiz_answers(session, right=True)
    statuses = fire(app, client.cookies, f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", answers)
    assert statuses == [200] * ATTEMPTS
    entries, total, summed = _ledger(session, user.id)  # lesson, quiz, every answer right
    assert entries == 3 and total == summed == quiz_lesson_points(session) + 5
    badges = session.exec(select(BadgeAward.badge_key).where(BadgeAward.user_id == user.id)).all()
    assert sorted(badges) == ["first-step", "sharp-mind"]


def test_fifty_simultaneous_completions_under_the_cheat_guard(
    strict: ProgramSpec, app: FastAPI, client: TestClient, users: Users, session: Session,
    db: Database,
) -> None:  # fmt: skip
    """With a cooldown, the racing requests are counted once: one completion, one award, one
    counted event; the others are turned away (429) or see the lesson already completed."""
    user = users.login(client)
    client.get(f"/courses/{COURSE}/{PLAIN_LESSON}")
    backdate_visits(db, user.id)
    statuses = fire(app, client.cookies, f"/courses/{COURSE}/{PLAIN_LESSON}/complete", None)
    assert set(statuses) <= {200, 429} and 200 in statuses
    entries, total, summed = _ledger(session, user.id)
    assert entries == 1 and total == summed == 15
    counter = session.exec(select(GuardCounter).where(GuardCounter.user_id == user.id)).one()
    assert counter.day_count == 1
