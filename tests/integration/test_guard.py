"""The cheat guard: reading time, cooldowns and daily caps per learner, in the database.
A blocked attempt gets a friendly message and a 429, changes nothing, and is logged."""

from __future__ import annotations

import json
from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select, update

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import guard
from localleaders.i18n import Message, translations_for
from localleaders.models import (
    CommunityAction,
    Course,
    GuardBlock,
    Lesson,
    LessonCompletion,
    LessonVisit,
    PointEntry,
    Role,
    UserStreak,
)
from localleaders.models.base import utcnow
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users
from tests.integration.test_actions import Programme, action_data
from tests.integration.test_learning import quiz_answers
from tests.integration.test_trainer import join, login, new_cohort

LESSON_URL = f"/courses/{COURSE}/{PLAIN_LESSON}"
QUIZ_URL = f"/courses/{COURSE}/{QUIZ_LESSON}"


def backdate_visits(db: Database, user_id: int | None, minutes: int = 60) -> None:
    with db.session(write=True) as session:
        session.execute(
            update(LessonVisit)
            .where(LessonVisit.user_id == user_id)  # type: ignore[arg-type]
            .values(first_seen_at=utcnow() - timedelta(minutes=minutes))
        )


def backdate_counters(db: Database, seconds: int = 60) -> None:
    from localleaders.models import GuardCounter

    with db.session(write=True) as session:
        session.execute(update(GuardCounter).values(last_at=utcnow() - timedelta(seconds=seconds)))


def text_of(response: Response) -> str:
    return BeautifulSoup(response.text, "html.parser").get_text()


def right_answers(lesson: Lesson) -> dict[str, list[str]]:
    assert lesson.quiz is not None
    return {
        f"q{number}": [str(i) for i, choice in enumerate(question["choices"]) if choice["correct"]]
        for number, question in enumerate(lesson.quiz["questions"])
    }


def nothing_recorded(session: Session, user_id: int | None) -> bool:
    completions = session.exec(select(LessonCompletion).where(LessonCompletion.user_id == user_id))
    entries = session.exec(select(PointEntry).where(PointEntry.user_id == user_id))
    return not completions.all() and not entries.all()


def test_a_lesson_completed_straight_after_opening_does_not_count(
    strict: ProgramSpec, client: TestClient, users: Users, session: Session, db: Database
) -> None:
    user = users.login(client)
    unopened = client.post(f"{LESSON_URL}/complete")
    assert unopened.status_code == 429
    assert "Open the lesson and read it first" in unopened.text
    client.get(LESSON_URL)  # opening starts the reading time
    too_soon = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    assert too_soon.status_code == 429 and int(too_soon.headers["Retry-After"]) > 0
    message = json.loads(too_soon.headers["HX-Trigger"])["blocked"]["message"]
    assert "Take a little more time" in message
    assert nothing_recorded(session, user.id)
    reasons = session.exec(select(GuardBlock.reason).where(GuardBlock.user_id == user.id)).all()
    assert sorted(reasons) == ["not_opened", "too_soon"]
    backdate_visits(db, user.id)
    done = client.post(f"{LESSON_URL}/complete", follow_redirects=False)
    assert done.status_code == 303
    assert not nothing_recorded(session, user.id)


def test_blocked_messages_are_in_the_learners_language(
    strict: ProgramSpec, client: TestClient, users: Users
) -> None:
    users.login(client)
    client.post("/language", data={"locale": "ru", "next": "/"})
    response = client.post(f"{LESSON_URL}/complete")
    expected = Message(guard.MESSAGES["not_opened"]).translate(translations_for("ru"))
    assert expected != guard.MESSAGES["not_opened"]
    assert expected in BeautifulSoup(response.text, "html.parser").get_text()


def test_cooldown_and_daily_cap(
    strict: ProgramSpec, client: TestClient, users: Users, session: Session, db: Database
) -> None:
    user = users.login(client)
    lessons = session.exec(
        select(Lesson, Course.slug)
        .join(Course)
        .where(col(Lesson.is_published))
        .order_by(col(Lesson.id))
    ).all()
    quizzes = [(f"/courses/{course}/{lesson.slug}", right_answers(lesson))
               for lesson, course in lessons if lesson.quiz is not None][:3]  # fmt: skip
    for url, _ in quizzes:
        client.get(url)
    backdate_visits(db, user.id)
    (first, first_answers), (second, second_answers), (third, third_answers) = quizzes
    assert client.post(f"{first}/quiz", data=first_answers).status_code == 200
    cooled = client.post(f"{second}/quiz", data=second_answers)
    assert cooled.status_code == 429 and "Please wait" in text_of(cooled)
    backdate_counters(db)
    assert client.post(f"{second}/quiz", data=second_answers).status_code == 200
    backdate_counters(db)
    capped = client.post(f"{third}/quiz", data=third_answers)
    assert capped.status_code == 429 and "today's limit" in text_of(capped)
    done = session.exec(select(LessonCompletion).where(LessonCompletion.user_id == user.id)).all()
    assert len(done) == 2


def test_an_early_quiz_pass_is_turned_away_and_counts_later(
    strict: ProgramSpec, client: TestClient, users: Users, session: Session, db: Database
) -> None:
    user = users.login(client)
    client.get(QUIZ_URL)
    answers = quiz_answers(session, right=True)
    early = client.post(f"{QUIZ_URL}/quiz", data=answers)
    assert early.status_code == 429 and int(early.headers["Retry-After"]) > 0
    page = BeautifulSoup(early.text, "html.parser")  # the form comes back with the answers kept
    assert "Take a little more time" in page.select_one(".quiz-form .alert--error").get_text()
    field, values = next(iter(answers.items()))
    assert page.select_one(f"input[name={field}][value='{values[0]}']").has_attr("checked")
    assert nothing_recorded(session, user.id)
    backdate_visits(db, user.id)
    backdate_counters(db)
    assert client.post(f"{QUIZ_URL}/quiz", data=answers).status_code == 200
    assert session.exec(select(LessonCompletion).where(LessonCompletion.user_id == user.id)).one()


def test_trainers_see_what_the_guard_turned_away(
    strict: ProgramSpec, client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.create(Role.trainer, username="coach")
    learner = users.login(client, username="quick")
    client.get(LESSON_URL)
    assert client.post(f"{LESSON_URL}/complete").status_code == 429
    cohort_id = new_cohort(db, trainer)
    join(db, cohort_id, learner.id or 0)
    client.cookies.clear()
    login(client, trainer)
    page = BeautifulSoup(client.get(f"/trainer/cohorts/{cohort_id}/learners/{learner.id}").text,
                         "html.parser")  # fmt: skip
    blocks = page.select(".guard-list li")
    assert len(blocks) == 1
    assert "Completed too soon after opening" in blocks[0].get_text()


def test_logging_actions_has_a_cooldown(
    strict: ProgramSpec, app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    world.log(title="Courtyard meeting")
    again = world.learner_client.post("/actions", data=action_data(title="Another one"))
    assert again.status_code == 429 and "Please wait" in text_of(again)
    form = BeautifulSoup(again.text, "html.parser")  # what the learner typed is still there
    assert form.select_one("input[name=title]")["value"] == "Another one"
    titles = session.exec(select(CommunityAction.title)).all()
    assert titles == ["Courtyard meeting"]
    streak = session.get(UserStreak, world.learner.id)
    assert streak is not None and streak.current == 1  # logging an action keeps the streak
