"""The trainer's workspace: my cohorts, the progress matrix, a learner's page, CSV exports,
and what community actions and consultations add to each."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from localleaders.catalog.loader import load_program
from localleaders.db import Database
from localleaders.i18n import translations_for
from localleaders.models import (
    AuditEntry,
    CohortMember,
    Course,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Role,
    User,
    UserPoints,
)
from localleaders.models.base import utcnow
from localleaders.resources import data_dir
from localleaders.services import actions, cohorts, consultations
from tests.conftest import COURSE, PASSWORD, PLAIN_LESSON, QUIZ_LESSON, Users
from tests.integration.test_learning import quiz_answers

SHARED = "digital-safety"
OTHER_COURSE = "women-leaders"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def new_cohort(
    db: Database, trainer: User, name: str = "Spring", courses: list[str] | None = None
) -> int:
    with db.session(write=True) as session:
        form = cohorts.CohortForm(
            name=name, course_slugs=courses or [COURSE], starts_on="2026-03-01"
        )
        cohort = cohorts.create(session, actor=trainer, form=form)
        assert cohort.id is not None
        return cohort.id


def add_learners(
    db: Database, cohort_id: int, count: int, *, prefix: str = "learner", days_ago: int = 0,
    names: list[str] | None = None,
) -> list[int]:  # fmt: skip
    ids = []
    with db.session(write=True) as session:
        for number in range(count):
            name = names[number] if names else f"{prefix.title()} {number:03d}"
            user = User(username=f"{prefix}{number}", display_name=name, password_hash="-",
                        email=f"{prefix}{number}@example.org")  # fmt: skip
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add(UserPoints(user_id=user.id, total=0))
            joined = utcnow() - timedelta(days=days_ago)
            session.add(CohortMember(cohort_id=cohort_id, user_id=user.id, joined_at=joined))
            ids.append(user.id)
    return ids


def lesson(session: Session, course: str, slug: str | None = None, index: int = 0) -> Lesson:
    query = select(Lesson).join(Course).where(Course.slug == course)
    if slug:
        return session.exec(query.where(Lesson.slug == slug)).one()
    return session.exec(query.order_by(Lesson.module_id, Lesson.position)).all()[index]


def complete(db: Database, user_id: int, item: Lesson, days_ago: float = 0) -> None:
    with db.session(write=True) as session:
        session.add(LessonCompletion(user_id=user_id, lesson_id=item.id or 0, course_id=item.course_id,
                                     completed_at=utcnow() - timedelta(days=days_ago)))  # fmt: skip


def attempt(db: Database, user_id: int, item: Lesson, correct: int, total: int = 4,
            days_ago: float = 0) -> None:  # fmt: skip
    with db.session(write=True) as session:
        session.add(QuizAttempt(user_id=user_id, lesson_id=item.id or 0, correct=correct, total=total,
                                passed=correct * 100 >= 75 * total, answers={},
                                created_at=utcnow() - timedelta(days=days_ago)))  # fmt: skip


def login(client: TestClient, user: User) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303


def join(db: Database, cohort_id: int, user_id: int) -> None:
    with db.session(write=True) as session:
        session.add(CohortMember(cohort_id=cohort_id, user_id=user_id))


def log_action(
    app: FastAPI, db: Database, user_id: int, cohort_id: int, *, title: str = "Lamps meeting",
    submit: bool = True, verify_by: User | None = None, **fields: str,
) -> int:  # fmt: skip
    """A learner's action in one cohort: a draft, submitted, or verified by ``verify_by``."""
    program = app.state.program
    with db.session(write=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        form = actions.ActionForm(type=program.action_types[0].key, title=title,
                                  happened_on="2026-03-02", cohort_id=str(cohort_id), **fields)  # fmt: skip
        action = actions.create(session, user=user, form=form, program=program, submit=submit)
        assert action.id is not None
        if verify_by is not None:
            actions.review(session, reviewer=verify_by, action_id=action.id, decision="verify",
                           comment="", program=program)  # fmt: skip
        return action.id


def consult(
    db: Database, trainer: User, cohort_id: int, learner_id: int, *, held_on: str = "2026-03-03",
    minutes: str = "45", topic: str = "Planning the meeting", note: str = "",
) -> None:  # fmt: skip
    with db.session(write=True) as session:
        cohort = cohorts.for_trainer(session, user=trainer, cohort_id=cohort_id)
        form = consultations.ConsultationForm(str(learner_id), held_on, minutes, topic, note)
        rules = load_program(data_dir("courses"))
        consultations.log(session, trainer=trainer, cohort=cohort, form=form, rules=rules)


def rows(page: BeautifulSoup) -> list[str]:
    return [cell.a.get_text(strip=True) for cell in page.select("tbody th.matrix__learner")]


# --- My cohorts -----------------------------------------------------------------------


def test_dashboard_counts_learners_activity_and_lessons(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    other_id = new_cohort(db, users.create(Role.trainer), name="Elsewhere")
    busy, old, quiet = add_learners(db, cohort_id, 3)
    stranger = add_learners(db, other_id, 1, prefix="stranger")[0]
    complete(db, busy, lesson(session, COURSE, PLAIN_LESSON))
    complete(db, busy, lesson(session, SHARED))  # a shared lesson the course includes counts
    complete(db, busy, lesson(session, OTHER_COURSE))  # another course does not
    complete(db, old, lesson(session, COURSE, QUIZ_LESSON), days_ago=10)
    attempt(db, quiet, lesson(session, COURSE, QUIZ_LESSON), correct=1, days_ago=2)
    complete(db, stranger, lesson(session, COURSE, PLAIN_LESSON))

    page = soup(client.get("/trainer").text)
    cards = page.select(".cohort-card")
    assert [card.h2.get_text(strip=True) for card in cards] == ["Spring"]
    counts = {dd["data-count"]: dd.get_text(strip=True) for dd in cards[0].select("dd")}
    assert counts == {"learners": "3", "active": "2", "lessons": "3", "waiting": "0"}
    assert cards[0].select_one(f'a[href="/trainer/cohorts/{cohort_id}"]') is not None
    assert page.select_one('a[href="/trainer/cohorts/new"]') is not None
    assert page.select_one('[data-count="waiting-total"]').get_text(strip=True) == "0"
    assert page.select_one(".waiting-alert") is None


def test_dashboard_counts_actions_waiting_for_review(
    app: FastAPI, client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer)
    first, second = new_cohort(db, trainer, "First"), new_cohort(db, trainer, "Second")
    other = new_cohort(db, users.create(Role.trainer), name="Elsewhere")
    ana, bob = add_learners(db, first, 2)
    (cid,) = add_learners(db, second, 1, prefix="second")
    (stranger,) = add_learners(db, other, 1, prefix="stranger")
    log_action(app, db, ana, first)
    log_action(app, db, bob, first)
    log_action(app, db, bob, first, title="Still a draft", submit=False)
    log_action(app, db, ana, first, title="Already verified", verify_by=trainer)
    log_action(app, db, cid, second)
    log_action(app, db, stranger, other)  # another trainer's cohort: not counted

    page = soup(client.get("/trainer").text)
    cards = {card.h2.get_text(strip=True): card for card in page.select(".cohort-card")}
    assert set(cards) == {"First", "Second"}
    waiting = {name: card.select_one('dd[data-count="waiting"]') for name, card in cards.items()}
    assert {name: dd.get_text(strip=True) for name, dd in waiting.items()} == {
        "First": "2",
        "Second": "1",
    }
    assert all(dd.a["href"] == "/trainer/reviews" for dd in waiting.values())
    assert page.select_one('[data-count="waiting-total"]').get_text(strip=True) == "3"
    assert page.select_one('a[data-link="reviews"]')["href"] == "/trainer/reviews"
    assert page.select_one(".waiting-alert a")["href"] == "/trainer/reviews"
    for name, cohort_id in (("First", first), ("Second", second)):
        link = f'a[href="/trainer/cohorts/{cohort_id}/consultations"]'
        assert cards[name].select_one(link) is not None, name


def test_archived_cohorts_have_their_own_list(
    client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer)
    new_cohort(db, trainer, name="Current")
    archived_id = new_cohort(db, trainer, name="Old")
    with db.session(write=True) as s:
        cohort = cohorts.for_trainer(s, user=trainer, cohort_id=archived_id)
        cohorts.archive(s, actor=trainer, cohort=cohort)
    names = [
        h.get_text(strip=True) for h in soup(client.get("/trainer").text).select(".cohort-card h2")
    ]
    assert names == ["Current"]
    page = soup(client.get("/trainer?archived=1").text)
    assert [h.get_text(strip=True) for h in page.select(".cohort-card h2")] == ["Old"]


def test_admin_sees_every_cohort(client: TestClient, users: Users, db: Database) -> None:
    first = new_cohort(db, users.create(Role.trainer), name="North")
    second = new_cohort(db, users.create(Role.trainer), name="South")
    add_learners(db, second, 2)
    users.login(client, Role.admin)
    names = {
        h.get_text(strip=True) for h in soup(client.get("/trainer").text).select(".cohort-card h2")
    }
    assert names == {"North", "South"}
    for cohort_id in (first, second):
        assert client.get(f"/trainer/cohorts/{cohort_id}").status_code == 200


# --- the progress matrix ----------------------------------------------------------------


def test_matrix_shows_done_scores_and_not_started(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    ana, bob = add_learners(db, cohort_id, 2, names=["Ana", "Bob"])
    quiz = lesson(session, COURSE, QUIZ_LESSON)
    attempt(db, ana, quiz, correct=2)
    attempt(db, ana, quiz, correct=4)
    complete(db, ana, quiz)
    attempt(db, bob, quiz, correct=1)

    page = soup(client.get(f"/trainer/cohorts/{cohort_id}").text)
    heads = page.select("thead th.matrix__lesson")
    total = len(
        session.exec(select(Lesson).join(Course).where(Course.slug.in_([COURSE, SHARED]))).all()
    )  # type: ignore[attr-defined]
    assert len(heads) == total
    assert all(h["title"] and h.select_one(".visually-hidden").get_text(strip=True) for h in heads)
    position = [h.select_one(".visually-hidden").get_text(strip=True) for h in heads].index(
        quiz.titles.get("en", quiz.title)
    )
    assert rows(page) == ["Ana", "Bob"]
    ana_row, bob_row = page.select("tbody tr:not(.matrix__more)")
    ana_cell = ana_row.select("td[class^=cell--]")[position]
    assert "cell--done" in ana_cell["class"] and "100%" in ana_cell.get_text()
    assert ana_cell.select_one(".visually-hidden").get_text(strip=True) == "done"
    bob_cell = bob_row.select("td[class^=cell--]")[position]
    assert "cell--tried" in bob_cell["class"] and bob_cell.get_text(" ", strip=True).startswith(
        "25%"
    )
    assert len(bob_row.select("td.cell--none")) == total - 1
    assert ana_row.select("td.num")[0].get_text(strip=True) == f"{100 // total}%"
    assert ana_row.select("td.num")[1].get_text(strip=True) == "100%"
    assert ana_row.select_one("th a")["href"] == f"/trainer/cohorts/{cohort_id}/learners/{ana}"
    assert page.select_one(".matrix-wrap") is not None
    links = {a["href"] for a in page.select(".hero__actions a")}
    assert f"/trainer/cohorts/{cohort_id}/export/progress.csv" in links
    assert f"/trainer/cohorts/{cohort_id}/export/quiz-results.csv" in links


def test_matrix_sorts_by_each_column(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    ana, bob, cid = add_learners(db, cohort_id, 3, names=["Ana", "Bob", "Cid"])
    first, second = lesson(session, COURSE, index=0), lesson(session, COURSE, index=1)
    complete(db, bob, first, days_ago=5)
    complete(db, bob, second, days_ago=4)
    complete(db, cid, first, days_ago=1)
    attempt(db, ana, lesson(session, COURSE, QUIZ_LESSON), correct=3, days_ago=3)
    url = f"/trainer/cohorts/{cohort_id}"

    assert rows(soup(client.get(url).text)) == ["Ana", "Bob", "Cid"]
    assert rows(soup(client.get(f"{url}?sort=name&dir=desc").text)) == ["Cid", "Bob", "Ana"]
    page = soup(client.get(f"{url}?sort=completion&dir=desc").text)
    assert rows(page) == ["Bob", "Cid", "Ana"]
    head = page.select_one("th.matrix__completion")
    assert head["aria-sort"] == "descending"
    assert head.a["href"] == f"{url}?sort=completion&dir=asc"
    assert head.a["hx-get"] == head.a["href"] and head.a["hx-target"] == "#matrix"
    assert rows(soup(client.get(f"{url}?sort=quiz&dir=desc").text))[0] == "Ana"
    assert rows(soup(client.get(f"{url}?sort=activity&dir=desc").text)) == ["Cid", "Ana", "Bob"]
    assert rows(soup(client.get(f"{url}?sort=nonsense&dir=sideways").text)) == ["Ana", "Bob", "Cid"]
    # htmx sort: only the matrix comes back
    fragment = client.get(f"{url}?sort=name&dir=desc", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="matrix"') and "<html" not in fragment


def test_matrix_loads_further_learners_in_pages(
    client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    add_learners(db, cohort_id, 60)
    url = f"/trainer/cohorts/{cohort_id}"
    page = soup(client.get(url).text)
    assert len(rows(page)) == 50 and rows(page)[0] == "Learner 000"
    more = page.select_one("tr.matrix__more a")
    assert more["href"] == f"{url}?page=2&sort=name&dir=asc"
    assert more["hx-get"] == f"{url}/matrix?page=2&sort=name&dir=asc"
    assert more["hx-trigger"] == "revealed"

    fragment = client.get(more["hx-get"], headers={"HX-Request": "true"})
    assert (
        fragment.status_code == 200
        and "<html" not in fragment.text
        and "<thead" not in fragment.text
    )
    part = soup(fragment.text)
    assert [th.a.get_text(strip=True) for th in part.select("th.matrix__learner")] == [
        f"Learner {n:03d}" for n in range(50, 60)
    ]
    assert part.select_one("tr.matrix__more") is None

    full = client.get(f"{url}/matrix?page=2&sort=name&dir=asc")
    assert "<html" in full.text
    assert rows(soup(full.text))[0] == "Learner 050"
    assert len(rows(soup(client.get(more["href"]).text))) == 10


def test_learners_without_activity_for_14_days_are_flagged(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    never, stale = add_learners(
        db, cohort_id, 2, prefix="old", days_ago=20, names=["Never", "Stale"]
    )
    recent = add_learners(db, cohort_id, 1, prefix="recent", days_ago=20, names=["Recent"])[0]
    add_learners(db, cohort_id, 1, prefix="new", days_ago=2, names=["Newcomer"])
    complete(db, stale, lesson(session, COURSE, index=0), days_ago=15)
    attempt(db, recent, lesson(session, COURSE, QUIZ_LESSON), correct=1, days_ago=3)

    page = soup(client.get(f"/trainer/cohorts/{cohort_id}").text)
    flagged = [
        tr.select_one("th a").get_text(strip=True) for tr in page.select("tbody tr.is-inactive")
    ]
    assert flagged == ["Never", "Stale"]
    assert all(
        tr.select_one(".flag").get_text(strip=True) for tr in page.select("tbody tr.is-inactive")
    )
    values = [v.get_text(strip=True) for v in page.select(".trainer-stats .stat__value")]
    assert values[0] == "4" and values[2] == "2"
    assert never  # joined 20 days ago, nothing since: flagged too


def test_matrix_query_count_does_not_grow_with_learners(
    app: FastAPI, users: Users, db: Database, session: Session
) -> None:
    trainer = users.create(Role.trainer)
    small, large = new_cohort(db, trainer, "Small"), new_cohort(db, trainer, "Large")
    done = lesson(session, COURSE, index=0)
    quiz = lesson(session, COURSE, QUIZ_LESSON)
    for cohort_id, count, prefix in ((small, 5, "s"), (large, 60, "l")):
        for user_id in add_learners(db, cohort_id, count, prefix=prefix):
            complete(db, user_id, done)
            attempt(db, user_id, quiz, correct=2)
            if cohort_id == large:
                log_action(app, db, user_id, cohort_id, verify_by=trainer)
    with TestClient(app, base_url="https://testserver") as client:
        login(client, trainer)
        counts = {}
        for cohort_id in (small, large):
            with counting(db) as statements:
                response = client.get(f"/trainer/cohorts/{cohort_id}")
            assert response.status_code == 200
            counts[cohort_id] = len(statements)
    assert counts[small] == counts[large] and counts[large] < 30, counts


def test_cohort_page_links_and_counts_verified_actions(
    app: FastAPI, client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    other_id = new_cohort(db, trainer, name="Other")
    ana, bob = add_learners(db, cohort_id, 2, names=["Ana", "Bob"])
    join(db, other_id, ana)
    log_action(app, db, ana, cohort_id, verify_by=trainer)
    log_action(app, db, ana, cohort_id, title="Park clean-up", verify_by=trainer)
    log_action(app, db, ana, other_id, verify_by=trainer)  # counts in the other cohort
    log_action(app, db, bob, cohort_id)  # waiting, not verified
    log_action(app, db, bob, cohort_id, title="A draft", submit=False)

    base = f"/trainer/cohorts/{cohort_id}"
    page = soup(client.get(base).text)
    links = {a["href"] for a in page.select(".hero__actions a")}
    assert {"/trainer/reviews", f"{base}/consultations", f"{base}/manage",
            f"{base}/export/actions.csv", f"{base}/export/consultations.csv"} <= links  # fmt: skip
    assert page.select_one('.hero__actions [data-count="waiting"]').get_text(strip=True) == "1"
    assert page.select_one("thead th.matrix__actions") is not None
    assert rows(page) == ["Ana", "Bob"]
    assert [td.get_text(strip=True) for td in page.select("tbody td.matrix__actions")] == ["2", "0"]


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# --- one learner ------------------------------------------------------------------------


def test_learner_detail_shows_standing_and_timeline(
    app: FastAPI, client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.create(Role.trainer)
    cohort_id = new_cohort(db, trainer)
    learner = users.login(client, email="secret@example.org", display_name="Lesia")
    with db.session(write=True) as s:
        s.add(CohortMember(cohort_id=cohort_id, user_id=learner.id or 0))
    client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete")
    client.post(f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", data=quiz_answers(session, right=False))
    client.post(f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", data=quiz_answers(session, right=True))
    complete(db, learner.id or 0, lesson(session, OTHER_COURSE))  # outside the cohort's courses
    points = session.exec(select(UserPoints.total).where(UserPoints.user_id == learner.id)).one()

    client.cookies.clear()
    login(client, trainer)
    response = client.get(f"/trainer/cohorts/{cohort_id}/learners/{learner.id}")
    assert response.status_code == 200
    assert "secret@example.org" not in response.text
    page = soup(response.text)
    assert page.h1.get_text(strip=True) == "Lesia"
    assert page.select_one('[data-fact="points"]').get_text(strip=True) == str(points)
    assert page.select_one('[data-fact="level"]').get_text(strip=True).startswith("Level ")
    assert page.select_one('[data-fact="done"]').get_text(strip=True).startswith("2 of ")
    kinds = [li["class"][1] for li in page.select(".timeline__item")]
    assert kinds.count("timeline__item--lesson") == 2
    assert kinds.count("timeline__item--quiz") == 2
    assert kinds.count("timeline__item--points") == 3  # lesson, quiz lesson, quiz bonus
    times = [t["datetime"] for t in page.select(".timeline__when")]
    assert times == sorted(times, reverse=True)
    other = lesson(session, OTHER_COURSE)
    assert other.title not in response.text


def test_learner_detail_in_the_readers_language(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    (learner,) = add_learners(db, cohort_id, 1)
    item = lesson(session, COURSE, PLAIN_LESSON)
    complete(db, learner, item)
    client.cookies.set("lang", "be", domain="testserver.local")
    page = soup(client.get(f"/trainer/cohorts/{cohort_id}/learners/{learner}").text)
    shown = page.select_one(".timeline__lesson").get_text(strip=True)
    assert shown == item.titles["be"] != item.titles["en"]


def test_learner_timeline_shows_actions_and_consultations_but_never_drafts(
    app: FastAPI, client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer, display_name="Trainer Tanya")
    cohort_id = new_cohort(db, trainer)
    other_id = new_cohort(db, trainer, name="Other")
    (learner,) = add_learners(db, cohort_id, 1, names=["Lesia"])
    join(db, other_id, learner)
    waiting = log_action(app, db, learner, cohort_id)
    verified = log_action(app, db, learner, cohort_id, title="Park clean-up", verify_by=trainer)
    draft = log_action(app, db, learner, cohort_id, title="Secret plans", submit=False)
    log_action(app, db, learner, other_id, title="Elsewhere event")
    consult(db, trainer, cohort_id, learner, note="Needs help with the flyer")
    consult(db, trainer, other_id, learner, topic="Other cohort talk")

    response = client.get(f"/trainer/cohorts/{cohort_id}/learners/{learner}")
    assert response.status_code == 200
    for hidden in ("Secret plans", "Elsewhere event", "Other cohort talk"):
        assert hidden not in response.text, hidden
    page = soup(response.text)
    items = page.select(".timeline__item--action")
    links = {a.get_text(strip=True): a["href"] for li in items for a in li.select("a")}
    assert links == {"Lamps meeting": f"/trainer/reviews/{waiting}",
                     "Park clean-up": f"/trainer/reviews/{verified}"}  # fmt: skip
    statuses = sorted(li.select_one(".status").get_text(strip=True) for li in items)
    assert statuses == ["Verified", "Waiting for review"]
    assert {li.select_one(".timeline__detail").get_text(strip=True) for li in items} == {
        "Public event"
    }
    assert {li.time["datetime"] for li in items} == {"2026-03-02"}
    (consultation,) = page.select(".timeline__item--consultation")
    assert consultation.time["datetime"] == "2026-03-03"
    assert (
        consultation.select_one(".timeline__topic").get_text(strip=True) == "Planning the meeting"
    )
    detail = consultation.get_text(" ", strip=True)
    assert "45 minutes" in detail and "Trainer Tanya" in detail
    assert "Needs help with the flyer" in detail  # trainers may read the private note
    awards = [li for li in page.select(".timeline__item--points") if li.select_one("a")]
    assert [li.a["href"] for li in awards] == [f"/trainer/reviews/{verified}"]
    times = [t["datetime"] for t in page.select(".timeline__when")]
    assert times == sorted(times, reverse=True)
    assert page.select_one('[data-fact="actions"]').get_text(strip=True) == "1"

    log_link = page.select_one(".hero__actions a")["href"]
    assert log_link == f"/trainer/cohorts/{cohort_id}/consultations?learner={learner}"
    form = soup(client.get(log_link).text)
    assert form.select_one(f'#f-learner_id option[value="{learner}"]').has_attr("selected")
    assert client.get(f"/trainer/reviews/{verified}").status_code == 200
    assert client.get(f"/trainer/reviews/{draft}").status_code == 404


def test_learner_detail_query_count_does_not_grow_with_actions(
    app: FastAPI, users: Users, db: Database
) -> None:
    trainer = users.create(Role.trainer)
    cohort_id = new_cohort(db, trainer)
    few, many = add_learners(db, cohort_id, 2)
    log_action(app, db, few, cohort_id, verify_by=trainer)
    consult(db, trainer, cohort_id, few)
    for number in range(6):
        log_action(app, db, many, cohort_id, title=f"Action {number}", verify_by=trainer)
        log_action(app, db, many, cohort_id, title=f"Waiting {number}")
        consult(db, trainer, cohort_id, many, topic=f"Topic {number}")
    with TestClient(app, base_url="https://testserver") as client:
        login(client, trainer)
        counts = []
        for learner in (few, many):
            with counting(db) as statements:
                response = client.get(f"/trainer/cohorts/{cohort_id}/learners/{learner}")
            assert response.status_code == 200
            counts.append(len(statements))
    assert counts[0] == counts[1] and counts[1] < 30, counts


def test_learner_of_another_cohort_is_404(client: TestClient, users: Users, db: Database) -> None:
    trainer = users.login(client, Role.trainer)
    mine = new_cohort(db, trainer)
    theirs = new_cohort(db, users.create(Role.trainer), name="Theirs")
    (stranger,) = add_learners(db, theirs, 1)
    assert client.get(f"/trainer/cohorts/{mine}/learners/{stranger}").status_code == 404
    assert client.get(f"/trainer/cohorts/{mine}/learners/{trainer.id}").status_code == 404


def test_trainer_of_another_cohort_gets_404_everywhere(
    client: TestClient, users: Users, db: Database
) -> None:
    owner = users.create(Role.trainer)
    cohort_id = new_cohort(db, owner)
    (learner,) = add_learners(db, cohort_id, 1)
    users.login(client, Role.trainer)
    base = f"/trainer/cohorts/{cohort_id}"
    for path in ("", "/matrix?page=2", f"/learners/{learner}", "/export/progress.csv",
                 "/export/quiz-results.csv", "/export/actions.csv",
                 "/export/consultations.csv"):  # fmt: skip
        assert client.get(base + path).status_code == 404, path
    assert client.get("/trainer/cohorts/999999").status_code == 404
    with db.session() as s:
        assert (
            s.exec(select(AuditEntry).where(AuditEntry.action.startswith("export"))).first() is None
        )  # type: ignore[attr-defined]


# --- exports ----------------------------------------------------------------------------


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_progress_csv_has_bom_cyrillic_and_no_formulas(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer, name="Вясна")
    names = ["Алеся Шчарбацкая", '=HYPERLINK("http://x")', "+1", "@me", "-2"]
    ids = add_learners(db, cohort_id, len(names), names=names)
    complete(db, ids[0], lesson(session, COURSE, PLAIN_LESSON))
    client.cookies.set("lang", "ru", domain="testserver.local")
    response = client.get(f"/trainer/cohorts/{cohort_id}/export/progress.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.isascii()
    assert f"cohort-{cohort_id}-progress-" in disposition
    table = read_csv(response.content)
    ru = translations_for("ru")
    assert table[0][:2] == [ru.gettext("Display name"), ru.gettext("Username")]
    assert len(table) == 1 + len(names)
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Алеся Шчарбацкая"][3] == "1"
    assert {'\'=HYPERLINK("http://x")', "'+1", "'@me", "'-2"} <= set(by_name)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def test_quiz_results_csv_lists_each_attempt_and_both_exports_are_audited(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    (learner,) = add_learners(db, cohort_id, 1, names=["Мікола"])
    quiz = lesson(session, COURSE, QUIZ_LESSON)
    attempt(db, learner, quiz, correct=1, days_ago=1)
    attempt(db, learner, quiz, correct=4)
    attempt(db, learner, lesson(session, OTHER_COURSE), correct=4)  # not this cohort's
    response = client.get(f"/trainer/cohorts/{cohort_id}/export/quiz-results.csv")
    assert response.status_code == 200 and "quiz-results" in response.headers["content-disposition"]
    table = read_csv(response.content)
    assert table[0][0] == "Learner" and len(table) == 3
    assert [row[0] for row in table[1:]] == ["Мікола", "Мікола"]
    assert [row[5:] for row in table[1:]] == [["1", "4", "no"], ["4", "4", "yes"]]
    assert table[1][3] == quiz.titles["en"]
    client.get(f"/trainer/cohorts/{cohort_id}/export/progress.csv")
    entries = session.exec(select(AuditEntry).where(AuditEntry.target_id == cohort_id)).all()
    actions = [entry.action for entry in entries if entry.action.startswith("export")]
    assert sorted(actions) == ["export.progress", "export.quiz_results"]
    assert all(e.actor_id == trainer.id for e in entries if e.action.startswith("export"))


def test_actions_csv_lists_the_cohorts_actions_but_drafts(
    app: FastAPI, client: TestClient, users: Users, db: Database
) -> None:
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer, name="Вясна")
    other_id = new_cohort(db, trainer, name="Other")
    ana, bob = add_learners(db, cohort_id, 2, names=["Алеся", "=cmd()"])
    join(db, other_id, ana)
    log_action(app, db, ana, cohort_id, title="Сход жыхароў", residents_mobilised="12",
               participants="30", volunteer_hours="1,5", place="Гомель", verify_by=trainer)  # fmt: skip
    log_action(app, db, bob, cohort_id, title="+Lamps")
    log_action(app, db, bob, cohort_id, title="Draft idea", submit=False)
    log_action(app, db, ana, other_id, title="Other cohort's")
    client.cookies.set("lang", "ru", domain="testserver.local")

    response = client.get(f"/trainer/cohorts/{cohort_id}/export/actions.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f"cohort-{cohort_id}-actions-" in response.headers["content-disposition"]
    table = read_csv(response.content)
    ru = translations_for("ru")
    headings = ("Learner", "Username", "Kind of action", "Title", "Date", "Status")
    assert table[0][:6] == [ru.gettext(text) for text in headings] and len(table[0]) == 12
    by_title = {row[3]: row for row in table[1:]}
    assert set(by_title) == {"Сход жыхароў", "'+Lamps"}
    done = by_title["Сход жыхароў"]
    assert done[:3] == ["Алеся", "learner0", "Публичное мероприятие"]
    assert done[4:10] == ["2026-03-02", ru.gettext("Verified"), "12", "30", "1.5", "Гомель"]
    assert done[10] and done[11]  # submitted and verified, in UTC
    waiting = by_title["'+Lamps"]
    assert waiting[:2] == ["'=cmd()", "learner1"]
    assert waiting[5] == ru.gettext("Waiting for review") and waiting[11] == ""


def test_consultations_csv_has_notes_and_both_exports_are_audited(
    client: TestClient, users: Users, db: Database, session: Session
) -> None:
    trainer = users.login(client, Role.trainer, display_name="Tanya")
    cohort_id = new_cohort(db, trainer)
    other_id = new_cohort(db, trainer, name="Other")
    (learner,) = add_learners(db, cohort_id, 1, names=["Мікола"])
    join(db, other_id, learner)
    consult(db, trainer, cohort_id, learner, held_on="2026-03-05", minutes="30",
            topic="Second talk", note="@risky")  # fmt: skip
    consult(db, trainer, cohort_id, learner, topic="First talk", note="Line one\nline two")
    consult(db, trainer, other_id, learner, topic="Other cohort")

    response = client.get(f"/trainer/cohorts/{cohort_id}/export/consultations.csv")
    assert response.status_code == 200
    assert f"cohort-{cohort_id}-consultations-" in response.headers["content-disposition"]
    table = read_csv(response.content)
    assert table == [
        ["Date", "Learner", "Username", "Trainer", "Minutes", "Topic", "Private note"],
        ["2026-03-03", "Мікола", "learner0", "Tanya", "45", "First talk", "Line one\nline two"],
        ["2026-03-05", "Мікола", "learner0", "Tanya", "30", "Second talk", "'@risky"],
    ]
    assert client.get(f"/trainer/cohorts/{cohort_id}/export/actions.csv").status_code == 200
    entries = session.exec(select(AuditEntry).where(AuditEntry.target_id == cohort_id)).all()
    exports = sorted(e.action for e in entries if e.action.startswith("export"))
    assert exports == ["export.actions", "export.consultations"]
    assert all(e.actor_id == trainer.id for e in entries if e.action.startswith("export"))


def test_members_cohort_page_spaces_its_date_line(
    client: TestClient, users: Users, db: Database
) -> None:
    cohort_id = new_cohort(db, users.create(Role.trainer, display_name="Tanya"))
    learner = users.login(client)
    join(db, cohort_id, learner.id or 0)
    page = soup(client.get(f"/cohorts/{cohort_id}").text)
    line = page.select_one(".page-header p.muted").get_text()
    assert line == "Mar 1, 2026 · 1 learner · Trainer: Tanya"
