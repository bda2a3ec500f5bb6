"""Leaderboards: exact ranks with ties, kept equal to the ledger, visible only to members,
display names only, opt-out, hidden boards, weekly boards."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select, update

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import boards
from localleaders.gamification.engine import Rewards
from localleaders.gamification.recalculate import rebuild_boards
from localleaders.models import BoardCount, BoardScore, PointEntry, Role
from localleaders.models.base import utcnow
from tests.conftest import COURSE, PLAIN_LESSON, Users
from tests.integration.test_concurrency import fire
from tests.integration.test_trainer import join, login, new_cohort


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def give(db: Database, program: ProgramSpec, user_id: int | None, amount: int, key: str) -> None:
    with db.session(write=True) as session:
        Rewards(session, program, user_id or 0).points(amount, reason="manual", source_key=key)


def board_matches_ledger(session: Session) -> None:
    session.rollback()
    ledger = dict(
        session.exec(
            select(PointEntry.user_id, func.sum(PointEntry.amount)).group_by(PointEntry.user_id)
        ).all()
    )
    scores = dict(
        session.exec(
            select(BoardScore.user_id, BoardScore.score).where(BoardScore.board == "all")
        ).all()
    )
    assert scores == ledger
    counts = dict(
        session.exec(
            select(BoardCount.score, BoardCount.count).where(BoardCount.board == "all")
        ).all()
    )
    expected: dict[int, int] = {}
    for score in ledger.values():
        expected[score] = expected.get(score, 0) + 1
    assert counts == expected


def test_ranks_share_ties_and_match_the_ledger(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    people = [users.create(display_name=f"Street {n}") for n in range(5)]
    for person, amount in zip(people, [30, 30, 10, 50, 10], strict=True):
        give(db, program, person.id, amount, f"manual:{person.id}")
    give(db, program, people[3].id, -45, "manual:back")  # 50 -> 5: deductions move down too
    board_matches_ledger(session)
    leaders = boards.top(session, "all")
    assert [(row.score, row.rank) for row in leaders] == [
        (30, 1),
        (30, 1),
        (10, 3),
        (10, 3),
        (5, 5),
    ]
    mine = boards.standing(session, "all", user_id=people[2].id or 0)
    assert mine.mine is not None and mine.mine.rank == 3 and mine.size == 5
    # Board order: points, then the newer learner first among equals (the index's order).
    assert [(r.user_id, r.score, r.rank) for r in mine.above] == [
        (people[0].id, 30, 1),
        (people[4].id, 10, 3),
    ]
    assert [(r.user_id, r.score, r.rank) for r in mine.below] == [(people[3].id, 5, 5)]
    rebuilt_before = session.exec(select(BoardScore.user_id, BoardScore.score)).all()
    with db.session(write=True) as write:
        rebuild_boards(write, program)
    assert sorted(session.exec(select(BoardScore.user_id, BoardScore.score)).all()) == sorted(
        rebuilt_before
    )


def test_boards_equal_the_ledger_after_concurrent_awards(
    app: FastAPI, client: TestClient, users: Users, session: Session
) -> None:
    users.login(client)
    statuses = fire(app, client.cookies, f"/courses/{COURSE}/{PLAIN_LESSON}/complete", None)
    assert set(statuses) == {200}
    board_matches_ledger(session)


def test_program_board_shows_display_names_only(
    client: TestClient, users: Users, db: Database, program: ProgramSpec
) -> None:
    others = [users.create(username=f"secret.login{n}", display_name=f"Courtyard {n}",
                           email=f"hidden{n}@example.org") for n in range(12)]  # fmt: skip
    for number, person in enumerate(others):
        give(db, program, person.id, 100 + number * 10, f"manual:{number}")
    me = users.login(client, display_name="Maple Street")
    give(db, program, me.id, 125, "manual:me")
    page = client.get("/leaderboard")
    assert page.status_code == 200
    html = page.text
    assert "secret.login" not in html and "@example.org" not in html
    view = soup(html)
    assert view.select_one(".board-me").get_text(strip=True) == "You are #10 of 13."
    tables = view.select("table.board")
    assert len(tables[0].select("tbody tr")) == 10
    assert "Maple Street" in tables[0].get_text()
    client.cookies.clear()
    assert client.get("/leaderboard", follow_redirects=False).status_code == 303  # log in first


def test_opting_out_leaves_every_board_but_keeps_a_private_rank(
    client: TestClient, users: Users, db: Database, session: Session, program: ProgramSpec
) -> None:
    rival = users.create(display_name="Rival")
    give(db, program, rival.id, 50, "manual:rival")
    me = users.login(client, display_name="Quiet One")
    give(db, program, me.id, 80, "manual:me")
    client.post("/account/leaderboard", data={"opt_out": "1"})
    assert session.exec(select(BoardScore).where(BoardScore.user_id == me.id)).all() == []
    page = soup(client.get("/leaderboard").text)
    assert "You would be #1 of 1" in page.select_one(".board-me").get_text()
    assert "Quiet One" not in page.select_one("table.board").get_text()
    give(db, program, me.id, 5, "manual:while-away")  # still earns, still off the boards
    assert session.exec(select(BoardScore).where(BoardScore.user_id == me.id)).all() == []
    client.post("/account/leaderboard", data={"opt_out": "0"})
    board_matches_ledger(session)


def test_cohort_boards_are_for_members_and_trainers_can_hide_them(
    client: TestClient, users: Users, db: Database, program: ProgramSpec
) -> None:
    trainer = users.create(Role.trainer, username="coach")
    member = users.create(display_name="Member")
    outsider = users.create(display_name="Outsider")
    cohort_id = new_cohort(db, trainer)
    join(db, cohort_id, member.id or 0)
    for person in (member, outsider):
        give(db, program, person.id, 40, f"manual:{person.id}")
    login(client, member)
    page = soup(client.get(f"/cohorts/{cohort_id}/leaderboard").text)
    names = page.select_one("table.board").get_text()
    assert "Member" in names and "Outsider" not in names
    client.cookies.clear()
    login(client, outsider)
    assert client.get(f"/cohorts/{cohort_id}/leaderboard").status_code == 404
    client.cookies.clear()
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/leaderboard/visibility", data={"hidden": "1"})
    assert soup(client.get(f"/cohorts/{cohort_id}/leaderboard").text).select_one("table.board")
    client.cookies.clear()
    login(client, member)
    hidden = soup(client.get(f"/cohorts/{cohort_id}/leaderboard").text)
    assert hidden.select_one("table.board") is None
    assert "hidden" in hidden.select_one(".alert--info").get_text()


def test_weekly_boards_count_this_weeks_points(
    db: Database, users: Users, session: Session, program: ProgramSpec, client: TestClient
) -> None:
    me = users.login(client, display_name="Weekly")
    give(db, program, me.id, 30, "manual:old")
    give(db, program, me.id, 12, "manual:new")
    with db.session(write=True) as write:  # the first award was made two weeks ago
        write.execute(update(PointEntry).where(PointEntry.source_key == "manual:old")  # type: ignore[arg-type]
                      .values(created_at=utcnow() - timedelta(weeks=2)))  # fmt: skip
        rebuild_boards(write, program)
    week = soup(client.get("/leaderboard?period=week").text)
    assert week.select_one(".board__me td.num:last-child").get_text() == "12"
    all_time = soup(client.get("/leaderboard").text)
    assert all_time.select_one(".board__me td.num:last-child").get_text() == "42"
