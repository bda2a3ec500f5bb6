"""Badges of every criterion kind, awarded by the use cases that cause them; toasts,
notifications, the badge page, and what trainers give by hand."""

from __future__ import annotations

import json
from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import badges
from localleaders.gamification.engine import Rewards
from localleaders.models import (
    AuditEntry,
    BadgeAward,
    Course,
    Lesson,
    Notification,
    PointEntry,
    Role,
    User,
    UserPoints,
)
from localleaders.models.base import utcnow
from localleaders.services import learning
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users
from tests.integration.test_learning import quiz_answers
from tests.integration.test_trainer import join, log_action, login, new_cohort

LESSON_URL = f"/courses/{COURSE}/{PLAIN_LESSON}"
QUIZ_URL = f"/courses/{COURSE}/{QUIZ_LESSON}"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def held(session: Session, user_id: int | None) -> set[tuple[str, str]]:
    rows = session.exec(
        select(BadgeAward.badge_key, BadgeAward.tier).where(BadgeAward.user_id == user_id)
    )
    return set(rows.all())


def complete_course(db: Database, program: ProgramSpec, user_id: int, slug: str) -> None:
    """Completes every lesson of a course (its shared modules included) through the service."""
    with db.session(write=True) as session:
        course = session.exec(select(Course).where(Course.slug == slug)).one()
        own = [
            course.id,
            *session.exec(select(Course.id).where(col(Course.slug).in_(course.includes))),
        ]
        lessons = session.exec(select(Lesson, Course.slug).join(Course).where(
            col(Lesson.course_id).in_(own), col(Lesson.is_published)))  # fmt: skip
        for lesson, course_slug in lessons.all():
            if lesson.quiz is None:
                learning.complete_lesson(session, user_id=user_id, course_slug=course_slug,
                                         slug=lesson.slug, rules=program)  # fmt: skip
            else:
                right = {f"q{n}": [str(i) for i, c in enumerate(q["choices"]) if c["correct"]]
                         for n, q in enumerate(lesson.quiz["questions"])}  # fmt: skip
                learning.submit_quiz(session, user_id=user_id, course_slug=course_slug,
                                     slug=lesson.slug, form=right, locale="en", rules=program)  # fmt: skip


def coached_learner(users: Users, db: Database) -> tuple[User, User, int]:
    """A trainer, a learner ("maple") and the trainer's cohort the learner is in."""
    trainer = users.create(Role.trainer, username="coach")
    learner = users.create(username="maple")
    cohort_id = new_cohort(db, trainer)
    join(db, cohort_id, learner.id or 0)
    return trainer, learner, cohort_id


def test_first_lesson_earns_the_first_badge_with_a_toast(
    client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    response = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    event = json.loads(response.headers["HX-Trigger"])["earned"]
    assert event["points"] == 15
    assert "New badge: First step" in event["messages"]
    assert held(session, user.id) == {("first-step", "")}
    assert [li.get_text(" ", strip=True) for li in soup(response.text).select(".celebration")] == [
        "New badge: First step"
    ]
    again = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    assert "HX-Trigger" not in again.headers  # nothing new: no toast, no second badge
    assert len(held(session, user.id)) == 1


def test_without_javascript_the_next_page_shows_what_was_earned(
    client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    response = client.post(f"{LESSON_URL}/complete", follow_redirects=False)
    note = session.exec(select(Notification).where(Notification.user_id == user.id)).one()
    assert response.headers["location"] == f"{LESSON_URL}?earned=15&c={note.id}"
    page = soup(client.get(response.headers["location"]).text)
    assert "First step" in page.select_one(".celebrations").get_text()
    # Someone else's notification id shows nothing.
    client.cookies.clear()
    users.login(client, username="other")
    assert soup(client.get(f"{LESSON_URL}?c={note.id}").text).select_one(".celebrations") is None


def test_a_perfect_quiz_earns_its_bonus_and_badge(
    client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    response = client.post(QUIZ_URL + "/quiz", data=quiz_answers(session, right=True),
                           headers={"HX-Request": "true"})  # fmt: skip
    reasons = session.exec(select(PointEntry.reason).where(PointEntry.user_id == user.id)).all()
    assert sorted(reasons) == ["lesson_completed", "perfect_quiz", "quiz_passed"]
    assert ("sharp-mind", "bronze") in held(session, user.id)
    messages = json.loads(response.headers["HX-Trigger"])["earned"]["messages"]
    assert "New badge: Sharp mind (Bronze)" in messages


def test_course_and_track_badges(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    learner = users.create()
    assert learner.id is not None
    complete_course(db, program, learner.id, "digital-safety")
    assert {("safety-first", ""), ("course-finisher", "bronze")} <= held(session, learner.id)
    assert ("track-graduate", "") not in held(session, learner.id)
    complete_course(db, program, learner.id, COURSE)  # the grassroots track's only course
    badges_now = held(session, learner.id)
    assert {("track-graduate", ""), ("course-finisher", "silver")} <= badges_now
    assert ("steady-learner", "bronze") in badges_now and ("first-step", "") in badges_now


def test_verified_actions_earn_action_and_residents_badges(
    app: FastAPI, db: Database, users: Users, session: Session
) -> None:
    trainer = users.create(Role.trainer, username="coach")
    learner = users.create()
    cohort_id = new_cohort(db, trainer)
    join(db, cohort_id, learner.id or 0)
    log_action(app, db, learner.id or 0, cohort_id, verify_by=trainer, residents_mobilised="60")
    assert {("first-action", ""), ("event-host", "bronze"), ("mobiliser", "bronze")} <= held(
        session, learner.id
    )
    # 50 for a public event and 1 per resident mobilised.
    total = session.exec(select(UserPoints.total).where(UserPoints.user_id == learner.id)).one()
    assert total == 50 + 60


def test_streak_and_placement_badges(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    learner = users.create()
    assert learner.id is not None
    start = utcnow() - timedelta(weeks=4)
    with db.session(write=True) as write:
        for week in range(4):
            rewards = Rewards(write, program, learner.id)
            rewards.active(start + timedelta(weeks=week))
            rewards.finish()
        Rewards(write, program, learner.id).placed("spring-clean", 2)
        Rewards(write, program, learner.id).placed("spring-clean", 1)  # a challenge places once
    badges_now = held(session, learner.id)
    assert ("steady-streak", "bronze") in badges_now
    assert {("challenge-podium", "bronze"), ("challenge-podium", "silver")} <= badges_now
    assert ("challenge-podium", "gold") not in badges_now
    entries = session.exec(select(PointEntry).where(PointEntry.reason == "challenge_placed")).all()
    assert [e.amount for e in entries] == [60]


def test_every_criterion_kind_has_a_metric(program: ProgramSpec) -> None:
    kinds = {badge.criterion.kind for badge in program.badges} - {"trainer_awarded"}
    assert kinds <= set(badges.METRICS)


def test_level_up_and_badges_stay_in_notifications(
    client: TestClient, users: Users, session: Session, db: Database
) -> None:
    user = users.login(client)
    with db.session(write=True) as write:  # 5 points short of level 2 (Listener, 50)
        write.add(
            PointEntry(user_id=user.id or 0, amount=45, reason="manual", source_key="manual:x")
        )
        entry = write.exec(select(UserPoints).where(UserPoints.user_id == user.id)).one()
        entry.total = 45
    response = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    event = json.loads(response.headers["HX-Trigger"])["earned"]
    assert event["levelUp"] is True and "New level: Listener" in event["messages"]
    page = soup(client.get("/notifications").text)
    texts = [li.get_text(" ", strip=True) for li in page.select(".notification")]
    assert len(texts) == 2 and any("Listener" in t for t in texts)
    assert len(page.select(".notification--unread")) == 2
    again = soup(client.get("/notifications").text)
    assert again.select(".notification--unread") == []  # reading the list marks them read


def test_badge_page_shows_earned_locked_and_progress(client: TestClient, users: Users) -> None:
    users.login(client)
    client.post(f"{LESSON_URL}/complete")
    page = soup(client.get("/badges").text)
    first = page.select_one("#badge-first-step")
    assert "badge-card--locked" not in first["class"]
    steady = page.select_one("#badge-steady-learner")
    assert "badge-card--locked" in steady["class"]
    assert "1 of 5" in steady.select_one(".badge-card__next").get_text()
    assert page.select_one(".streak-card__title").get_text(strip=True) == "1 week in a row"


def test_trainer_gives_and_deducts_points_with_a_reason(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer, learner, cohort_id = coached_learner(users, db)
    login(client, trainer)
    url = f"/trainer/cohorts/{cohort_id}/learners/{learner.id}"
    bad = client.post(f"{url}/points", data={"amount": "0", "reason": ""})
    assert bad.status_code == 422
    assert {"points-amount-error", "points-reason-error"} <= {
        p["id"] for p in soup(bad.text).select(".field__error")
    }
    assert session.exec(select(PointEntry).where(PointEntry.user_id == learner.id)).all() == []
    for amount in ("25", "-10"):
        done = client.post(f"{url}/points", data={"amount": amount, "reason": "Ran the meeting"},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
    entries = session.exec(select(PointEntry).where(PointEntry.user_id == learner.id)).all()
    assert sorted(e.amount for e in entries) == [-10, 25]
    assert {e.awarded_by for e in entries} == {trainer.id}
    assert {e.note for e in entries} == {"Ran the meeting"}
    assert (
        session.exec(select(UserPoints.total).where(UserPoints.user_id == learner.id)).one() == 15
    )
    audit = session.exec(
        select(AuditEntry.action).where(AuditEntry.action == "points.manual")
    ).all()
    assert len(audit) == 2
    page = soup(client.get(url).text)
    assert "Ran the meeting" in page.select_one(".manual-list").get_text()


def test_trainer_gives_a_badge_once(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer, learner, cohort_id = coached_learner(users, db)
    login(client, trainer)
    url = f"/trainer/cohorts/{cohort_id}/learners/{learner.id}/badges"
    form = {"badge": "community-spirit", "reason": "Helped three neighbours join"}
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    assert client.post(url, data=form).status_code == 409
    assert client.post(url, data={**form, "badge": "first-step"}).status_code == 422
    awards = session.exec(select(BadgeAward).where(BadgeAward.user_id == learner.id)).all()
    assert [(a.badge_key, a.awarded_by, a.note) for a in awards] == [
        ("community-spirit", trainer.id, "Helped three neighbours join")
    ]


def test_a_trainer_of_another_cohort_cannot_give_points(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.create(Role.trainer, username="coach")
    stranger = users.create(Role.trainer, username="stranger")
    learner = users.create(username="maple")
    cohort_id = new_cohort(db, trainer)
    join(db, cohort_id, learner.id or 0)
    login(client, stranger)
    url = f"/trainer/cohorts/{cohort_id}/learners/{learner.id}/points"
    assert client.post(url, data={"amount": "5", "reason": "why not"}).status_code == 404
    assert session.exec(select(PointEntry)).all() == []


def test_ledger_rows_carry_the_rules_version(
    client: TestClient, users: Users, session: Session, program: ProgramSpec
) -> None:
    users.login(client)
    client.post(f"{LESSON_URL}/complete")
    entry = session.exec(select(PointEntry)).one()
    assert entry.rules_version == program.version
    from localleaders.models import RuleVersion

    kept = session.get(RuleVersion, program.version)
    assert kept is not None and kept.rules["points"]["perfect_quiz"] == program.points.perfect_quiz
