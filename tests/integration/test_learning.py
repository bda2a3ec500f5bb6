"""The learner's journey: catalogue, course, lessons, quizzes, points and level."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from localleaders.models import LessonCompletion, PointEntry, QuizAttempt, UserPoints
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users

LESSON_URL = f"/courses/{COURSE}/{PLAIN_LESSON}"
QUIZ_URL = f"/courses/{COURSE}/{QUIZ_LESSON}"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def quiz_answers(session: Session, right: bool) -> dict[str, list[str]]:
    from localleaders.models import Lesson

    lesson = session.exec(select(Lesson).where(Lesson.slug == QUIZ_LESSON)).one()
    assert lesson.quiz is not None
    answers = {}
    for number, question in enumerate(lesson.quiz["questions"]):
        correct = [str(i) for i, c in enumerate(question["choices"]) if c["correct"]]
        wrong = [str(i) for i, c in enumerate(question["choices"]) if not c["correct"]][:1]
        answers[f"q{number}"] = correct if right else wrong
    return answers


def quiz_lesson_points(session: Session, perfect: int = 0) -> int:
    """The lesson's and its quiz's points, and ``perfect`` for every answer right."""
    from localleaders.models import Lesson

    lesson = session.exec(select(Lesson).where(Lesson.slug == QUIZ_LESSON)).one()
    assert lesson.quiz is not None
    return lesson.points + lesson.quiz["points"] + perfect


def points(session: Session, user_id: int | None) -> int:
    return session.exec(select(UserPoints.total).where(UserPoints.user_id == user_id)).one()


def test_catalogue_lists_courses_by_track(client: TestClient) -> None:
    page = soup(client.get("/courses").text)
    assert page.select_one("#track-grassroots") is not None
    assert page.select_one(f'a[href="/courses/{COURSE}"]') is not None


def test_course_page_shows_modules_lessons_and_progress(client: TestClient, users: Users) -> None:
    page = soup(client.get(f"/courses/{COURSE}").text)
    # Three modules of its own, then the shared digital-safety module
    assert len(page.select(".module")) == 4 and len(page.select(".module--shared")) == 1
    lessons = len(page.select(".lesson-list__item"))
    assert lessons >= 12
    assert page.select_one("progress") is None  # anonymous visitors have no progress
    users.login(client)
    client.post(f"{LESSON_URL}/complete")
    page = soup(client.get(f"/courses/{COURSE}").text)
    assert page.select_one("progress")["value"] == str(100 // lessons)
    assert len(page.select(".lesson-list__item.is-done")) == 1


def test_lesson_page_renders_sanitised_body_and_navigation(client: TestClient) -> None:
    page = soup(client.get(QUIZ_URL).text)
    assert page.select_one("h1").get_text(strip=True)
    assert page.select_one(".prose h2") is not None
    assert page.select_one('a[rel="next"]') is not None
    assert page.select_one("form.quiz-form") is None  # anonymous: asked to log in


def test_complete_without_js_redirects_and_awards_once(
    client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    response = client.post(f"{LESSON_URL}/complete", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{LESSON_URL}?earned=15&c=")  # + a badge
    page = soup(client.get(response.headers["location"]).text)
    assert "Lesson completed" in page.select_one("#lesson-status").get_text()
    assert "+15 points" in page.select_one(".earned").get_text()
    again = client.post(f"{LESSON_URL}/complete", follow_redirects=False)
    assert again.headers["location"].endswith("earned=0")
    entries = session.exec(select(PointEntry).where(PointEntry.user_id == user.id)).all()
    assert [(e.amount, e.reason) for e in entries] == [(15, "lesson_completed")]
    assert points(session, user.id) == 15


def test_complete_with_htmx_returns_the_status_fragment_and_a_toast(
    client: TestClient, users: Users
) -> None:
    users.login(client)
    response = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = soup(response.text)
    assert (
        fragment.select_one("section#lesson-status") is not None
        and fragment.select_one("header") is None
    )
    assert json.loads(response.headers["HX-Trigger"]) == {
        "earned": {"points": 15, "levelUp": False, "messages": ["New badge: First step"]}
    }
    assert "HX-Request" in response.headers["vary"]


def test_history_restore_gets_the_full_page(client: TestClient) -> None:
    response = client.get(
        LESSON_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert soup(response.text).select_one("header.site-header") is not None


def test_quiz_lesson_cannot_be_completed_without_the_quiz(
    client: TestClient, users: Users, session: Session
) -> None:
    user = users.login(client)
    response = client.post(f"{QUIZ_URL}/complete")
    assert response.status_code == 409 and "Pass the quiz" in response.text
    assert points(session, user.id) == 0


def test_failing_then_passing_a_quiz(client: TestClient, users: Users, session: Session) -> None:
    user = users.login(client)
    failed = client.post(f"{QUIZ_URL}/quiz", data=quiz_answers(session, right=False))
    assert failed.status_code == 200
    page = soup(failed.text)
    assert page.select_one(".quiz-result--fail") is not None
    assert page.select_one(".choices-review") is None  # right answers stay hidden until passed
    assert points(session, user.id) == 0
    passed = client.post(
        f"{QUIZ_URL}/quiz", data=quiz_answers(session, right=True), headers={"HX-Request": "true"}
    )
    page = soup(passed.text)
    assert page.select_one(".quiz-result--pass") is not None
    assert page.select(".explanation") and page.select(".choices-review .is-correct")
    trigger = json.loads(passed.headers["HX-Trigger"])["earned"]
    expected = quiz_lesson_points(session, perfect=5)
    assert trigger["points"] == expected and trigger["levelUp"] is False
    assert points(session, user.id) == expected
    client.post(f"{QUIZ_URL}/quiz", data=quiz_answers(session, right=True))
    assert points(session, user.id) == expected
    assert len(session.exec(select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()) == 3
    assert session.exec(select(LessonCompletion).where(LessonCompletion.user_id == user.id)).one()


def test_quiz_with_missing_answers_is_422_and_records_nothing(
    client: TestClient, users: Users, session: Session
) -> None:
    users.login(client)
    answers = quiz_answers(session, right=True)
    answers.pop("q1")
    answers["q0"] = ["99"]
    response = client.post(f"{QUIZ_URL}/quiz", data=answers, headers={"HX-Request": "true"})
    assert response.status_code == 422
    page = soup(response.text)
    assert (
        page.select_one("#q0-error")
        and page.select_one("#q1-error")
        and not page.select_one("#q2-error")
    )
    assert session.exec(select(QuizAttempt)).all() == []


def test_profile_shows_points_level_and_history(
    client: TestClient, users: Users, session: Session
) -> None:
    users.login(client, display_name="Courtyard 7")
    client.post(f"{LESSON_URL}/complete")
    client.post(f"{QUIZ_URL}/quiz", data=quiz_answers(session, right=True))
    page = soup(client.get("/profile").text)
    assert page.select_one("h1").get_text(strip=True) == "Courtyard 7"
    total = 15 + quiz_lesson_points(session, perfect=5)
    assert page.select_one(".level-card__points strong").get_text() == str(total)
    assert page.select_one(".level-card progress")["value"] == str(total * 100 // 50)  # level 2: 50
    rows = page.select("table tbody tr")
    assert len(rows) == 4
    assert sum(int(row.select_one(".num").get_text()) for row in rows) == total


def test_level_up_is_celebrated(client: TestClient, users: Users, session: Session, db) -> None:  # type: ignore[no-untyped-def]
    from localleaders.gamification.ledger import award

    user = users.login(client)
    with db.session(write=True) as write:
        award(write, user_id=user.id, amount=40, reason="lesson_completed", source_key="test:seed")
    response = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    assert json.loads(response.headers["HX-Trigger"])["earned"]["levelUp"] is True


def test_unknown_course_and_lesson_are_404(client: TestClient, users: Users) -> None:
    assert client.get("/courses/nope").status_code == 404
    assert client.get(f"/courses/{COURSE}/nope").status_code == 404
    users.login(client)
    assert client.post(f"/courses/{COURSE}/nope/complete").status_code == 404
    assert (
        client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/quiz", data={"q0": "0"}).status_code == 404
    )


def test_anonymous_actions_go_to_login(client: TestClient) -> None:
    response = client.post(f"{LESSON_URL}/complete", follow_redirects=False)
    assert response.status_code == 401
    htmx = client.post(f"{LESSON_URL}/complete", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login?next=")
    page = client.get("/profile", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fprofile"
