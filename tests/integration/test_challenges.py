"""Community challenges end to end: window edges, late verification, individual, team and
cooperative formats, closing with places, visibility, and bad input changing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select, update

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import challenges as scores
from localleaders.gamification.recalculate import recalculate
from localleaders.models import (
    BadgeAward,
    Challenge,
    ChallengePlacement,
    ChallengeScore,
    ChallengeTeam,
    ChallengeTeamMember,
    LessonCompletion,
    PointEntry,
    Role,
    User,
)
from localleaders.services import actions, challenges, cohorts
from tests.conftest import COURSE, PLAIN_LESSON, Users
from tests.integration.test_access_matrix import sign_in
from tests.integration.test_concurrency import fire
from tests.integration.test_trainer import add_learners, join, lesson, new_cohort

MARCH = {"starts_on": "2026-03-01", "ends_on": "2026-03-10"}
IN_MARCH = datetime(2026, 3, 1, 9, tzinfo=UTC)  # "now" when the March challenges are made


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def make(
    db: Database, program: ProgramSpec, actor: User, cohort_id: int | None, *,
    now: datetime | None = IN_MARCH, **fields: object,
) -> int:  # fmt: skip
    values: dict[str, object] = {"titles": {"en": "Spring clean-up"}, "measure": "residents",
                                 "format": "individual", **MARCH, **fields}  # fmt: skip
    form = challenges.ChallengeForm(cohort_id=str(cohort_id or ""), **values)  # type: ignore[arg-type]
    with db.session(write=True) as session:
        made = challenges.create(session, actor=actor, form=form, rules=program, now=now)
        assert made.id is not None
        return made.id


def running(db: Database, program: ProgramSpec, actor: User, cohort_id: int | None,
            **fields: object) -> int:  # fmt: skip
    """A challenge going on now: it began five days ago and ends in two."""
    today = date.today()
    return make(db, program, actor, cohort_id, now=None, starts_on=str(today - timedelta(days=5)),
                ends_on=str(today + timedelta(days=2)), **fields)  # fmt: skip


YESTERDAY = str(date.today() - timedelta(days=1))
AFTER_IT = datetime.now(UTC) + timedelta(days=4)  # a running challenge has ended by then


def act(
    db: Database, program: ProgramSpec, user_id: int, cohort_id: int, day: str, residents: int,
    *, verify_by: User | None = None, kind: int = 0,
) -> int:  # fmt: skip
    """An action done on ``day``, submitted, and verified by ``verify_by`` when given."""
    with db.session(write=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        form = actions.ActionForm(type=program.action_types[kind].key, title="Yard clean-up",
                                  happened_on=day, residents_mobilised=str(residents),
                                  cohort_id=str(cohort_id))  # fmt: skip
        action = actions.create(session, user=user, form=form, program=program, submit=True)
        assert action.id is not None
    if verify_by is not None:
        verify(db, program, action.id, verify_by)
    return action.id


def verify(db: Database, program: ProgramSpec, action_id: int, trainer: User) -> None:
    with db.session(write=True) as session:
        actions.review(session, reviewer=trainer, action_id=action_id, decision="verify",
                       comment="", program=program)  # fmt: skip


def stored(session: Session, challenge_id: int) -> dict[int, int]:
    rows = session.exec(
        select(ChallengeScore.user_id, ChallengeScore.score).where(
            ChallengeScore.challenge_id == challenge_id, ChallengeScore.score != 0
        )
    ).all()
    return dict(rows)


def derived(db: Database, program: ProgramSpec, challenge_id: int) -> dict[int, int]:
    with db.session() as session:
        challenge = session.get(Challenge, challenge_id)
        assert challenge is not None
        return {u: s for u, s in scores.tally(session, challenge, program).items() if s}


def close(
    db: Database, program: ProgramSpec, challenge_id: int, now: datetime | None = None
) -> bool:
    with db.session(write=True) as session:
        challenge = session.get(Challenge, challenge_id)
        assert challenge is not None
        return challenges.close(session, challenge=challenge, rules=program, now=now)


def setting(db: Database, users: Users, learners: int = 3) -> tuple[User, int, list[int]]:
    trainer = users.create(Role.trainer)
    cohort_id = new_cohort(db, trainer)
    return trainer, cohort_id, add_learners(db, cohort_id, learners)


# --- the window ---------------------------------------------------------------------


def test_actions_count_by_the_day_they_happened_including_both_edges(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    types = [program.action_types[0].key]
    challenge_id = make(db, program, trainer, cohort_id, action_types=types)
    for day, residents in (("2026-02-28", 1), ("2026-03-01", 10), ("2026-03-10", 20),
                           ("2026-03-11", 30)):  # fmt: skip
        act(db, program, ala, cohort_id, day, residents, verify_by=trainer)
    act(db, program, ala, cohort_id, "2026-03-05", 40, verify_by=trainer, kind=1)  # other type
    assert stored(session, challenge_id) == {ala: 30}
    assert derived(db, program, challenge_id) == {ala: 30}


def test_points_count_inside_the_window_in_the_program_time_zone(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, bo, _) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id, measure="points")
    zone = program.zone
    edges = [  # (local time, amount): midnight starts the first day and ends the last
        (datetime(2026, 2, 28, 23, 59, 59, tzinfo=zone), 1),
        (datetime(2026, 3, 1, 0, 0, tzinfo=zone), 10),
        (datetime(2026, 3, 10, 23, 59, 59, tzinfo=zone), 20),
        (datetime(2026, 3, 11, 0, 0, tzinfo=zone), 400),
    ]
    with db.session(write=True) as write:
        for number, (moment, amount) in enumerate(edges):
            write.add(PointEntry(user_id=ala, amount=amount, reason="manual",
                                 source_key=f"manual:{number}", created_at=moment))  # fmt: skip
    # Verified today, done inside the window: an action's points count by its day.
    act(db, program, bo, cohort_id, "2026-03-09", 3, verify_by=trainer)
    act(db, program, bo, cohort_id, "2026-03-12", 3, verify_by=trainer)
    action_points = program.action_types[0].points + 3 * program.points.per_resident
    assert derived(db, program, challenge_id) == {ala: 30, bo: action_points}
    assert stored(session, challenge_id) == {bo: action_points}  # ala's rows bypassed Rewards
    with db.session(write=True) as write:
        challenge = write.get(Challenge, challenge_id)
        assert challenge is not None
        scores.rebuild(write, challenge, program)
    assert stored(session, challenge_id) == {ala: 30, bo: action_points}


def test_lessons_completed_inside_the_window_count(
    app: FastAPI, client: TestClient, db: Database, users: Users, session: Session,
    program: ProgramSpec,
) -> None:  # fmt: skip
    trainer, cohort_id, _ = setting(db, users, learners=0)
    learner = users.login(client)
    with db.session(write=True) as write:
        code = cohorts.for_trainer(write, user=trainer, cohort_id=cohort_id).join_code
    old = lesson(session, COURSE, index=1)
    with db.session(write=True) as write:
        write.add(LessonCompletion(user_id=learner.id or 0, lesson_id=old.id or 0,
                                   course_id=old.course_id,
                                   completed_at=datetime(2026, 3, 3, tzinfo=UTC)))  # fmt: skip
    today = date.today()
    challenge_id = make(db, program, trainer, cohort_id, measure="lessons", now=None,
                        starts_on=str(today - timedelta(days=1)),
                        ends_on=str(today + timedelta(days=6)))  # fmt: skip
    # Joining the cohort late: what the learner did inside the window counts at once.
    assert client.post("/cohorts/join", data={"code": code}).status_code == 200
    assert stored(session, challenge_id) == {}
    response = client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete", follow_redirects=False)
    assert response.status_code == 303
    assert stored(session, challenge_id) == {learner.id: 1}
    assert derived(db, program, challenge_id) == {learner.id: 1}


def test_late_verification_counts_until_the_challenge_closes(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, bo, cy) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    late = act(db, program, bo, cohort_id, "2026-03-10", 8)  # submitted, verified after the end
    assert stored(session, challenge_id) == {ala: 5}
    verify(db, program, late, trainer)  # today, long after the last day: still counts
    assert stored(session, challenge_id) == {ala: 5, bo: 8}
    assert close(db, program, challenge_id)
    assert not close(db, program, challenge_id)  # once
    too_late = act(db, program, cy, cohort_id, "2026-03-04", 50)
    verify(db, program, too_late, trainer)  # after the close: the standings are frozen
    assert stored(session, challenge_id) == {ala: 5, bo: 8}
    places = dict(session.exec(select(ChallengePlacement.user_id, ChallengePlacement.place)).all())
    assert places == {bo: 1, ala: 2}


# --- formats, end to end ------------------------------------------------------------


def test_individual_challenge_awards_places_through_the_rules(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, learners = setting(db, users, learners=5)
    challenge_id = make(db, program, trainer, cohort_id)
    for learner, residents in zip(learners, [7, 12, 7, 3, 0], strict=True):
        if residents:
            act(db, program, learner, cohort_id, "2026-03-03", residents, verify_by=trainer)
    before = dict(session.exec(select(PointEntry.user_id, func.sum(PointEntry.amount))
                               .group_by(PointEntry.user_id)).all())  # fmt: skip
    sign_in(client, trainer)
    response = client.post(f"/challenges/{challenge_id}/close", follow_redirects=False)
    assert response.status_code == 303
    places = dict(session.exec(select(ChallengePlacement.user_id, ChallengePlacement.place)).all())
    first, second, third, fourth, _ = learners
    assert places == {second: 1, first: 2, third: 2}  # ties share a place; 4th place gets none
    after = dict(session.exec(select(PointEntry.user_id, func.sum(PointEntry.amount))
                              .group_by(PointEntry.user_id)).all())  # fmt: skip
    podium = program.points.challenge_places
    assert after[second] - before[second] == podium[0]
    assert after[first] - before[first] == podium[1] == after[third] - before[third]
    assert after[fourth] == before[fourth]
    badges = set(session.exec(select(BadgeAward.user_id, BadgeAward.tier)
                              .where(BadgeAward.badge_key == "challenge-podium")).all())  # fmt: skip
    assert {(second, "gold"), (first, "silver"), (third, "silver")} <= badges
    assert (first, "gold") not in badges and fourth not in {user for user, _ in badges}
    page = soup(client.get(f"/challenges/{challenge_id}").text)
    assert page.select_one("#live").get("hx-trigger") is None  # closed: polling stops
    ranks = [row.select("td")[0].get_text() for row in page.select("table.board tbody tr")]
    assert ranks == ["1", "2", "2", "4"]


def test_team_challenge_end_to_end(
    app: FastAPI, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, _ = setting(db, users, learners=0)
    people = [users.create(display_name=f"Yard {n}") for n in range(5)]
    for person in people:
        join(db, cohort_id, person.id or 0)
    soon = date.today() + timedelta(days=3)
    with TestClient(app, base_url="https://testserver") as coach:
        sign_in(coach, trainer)
        response = coach.post("/challenges", data={
            "cohort_id": str(cohort_id), "title_en": "Most residents", "title_be": "Больш жыхароў",
            "starts_on": str(soon), "ends_on": str(soon + timedelta(days=7)),
            "measure": "residents", "format": "teams", "learner_teams": "1",
        }, follow_redirects=False)  # fmt: skip
        assert response.status_code == 303
        challenge_id = int(response.headers["location"].split("/")[2].split("?")[0])
        assert coach.post(f"/challenges/{challenge_id}/teams", data={"name": "Trainers' pick"},
                          follow_redirects=False).status_code == 303  # fmt: skip
    teams: dict[str, int] = {}
    clients = []
    for number, person in enumerate(people):
        browser = TestClient(app, base_url="https://testserver")
        sign_in(browser, person)
        clients.append(browser)
        if number < 2:  # two learners form teams of their own
            name = f"Courtyard {number}"
            assert browser.post(f"/challenges/{challenge_id}/teams", data={"name": name},
                                follow_redirects=False).status_code == 303  # fmt: skip
            teams[name] = session.exec(
                select(ChallengeTeam.id).where(ChallengeTeam.name == name)
            ).one()
    # Duplicate names are refused (any case), and nothing changes.
    refused = clients[2].post(f"/challenges/{challenge_id}/teams", data={"name": "courtyard 0"})
    assert refused.status_code == 422 and "already has this name" in refused.text
    assert session.exec(select(func.count()).select_from(ChallengeTeam)).one() == 3
    for browser, name in ((clients[2], "Courtyard 0"), (clients[3], "Courtyard 1")):
        assert browser.post(f"/challenges/{challenge_id}/teams/{teams[name]}/join",
                            follow_redirects=False).status_code == 303  # fmt: skip
    assert clients[4].post(f"/challenges/{challenge_id}/teams/{teams['Courtyard 1']}/join",
                           follow_redirects=False).status_code == 303  # fmt: skip
    assert clients[4].post(f"/challenges/{challenge_id}/leave",
                           follow_redirects=False).status_code == 303  # fmt: skip
    # The challenge starts (its days move into the past): teams are fixed for learners.
    with db.session(write=True) as write:
        write.execute(update(Challenge).where(col(Challenge.id) == challenge_id)
                      .values(starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 10)))  # fmt: skip
    late = clients[4].post(f"/challenges/{challenge_id}/teams/{teams['Courtyard 0']}/join")
    assert late.status_code == 409 and "fixed once the challenge has started" in late.text
    ids = [p.id or 0 for p in people]
    for who, residents in zip(ids, [4, 3, 6, 2, 50], strict=True):
        act(db, program, who, cohort_id, "2026-03-05", residents, verify_by=trainer)
    page = soup(clients[0].get(f"/challenges/{challenge_id}").text)
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in page.select("table.board")[0].select("tbody tr")]  # fmt: skip
    assert [(r[0], r[1].split(" · ")[0], r[2]) for r in rows] == [
        ("1", "Courtyard 0", "10"),
        ("2", "Courtyard 1", "5"),
        ("3", "Trainers' pick", "0"),
    ]
    assert "Yard 4" not in page.select("table.board")[0].get_text()  # no team, no team score
    team_page = soup(
        clients[0].get(f"/challenges/{challenge_id}/teams/{teams['Courtyard 1']}").text
    )
    assert [r.select("td")[1].get_text(" ", strip=True) for r in team_page.select("tbody tr")] == [
        "Yard 1", "Yard 3"]  # fmt: skip
    # Its review days were long over: the first look closed it, with what was verified then.
    assert session.exec(select(Challenge.closed_at)).one() is not None
    places = dict(session.exec(select(ChallengePlacement.user_id, ChallengePlacement.place)).all())
    assert places == {ids[0]: 1, ids[2]: 1, ids[1]: 2, ids[3]: 2}  # contributors of teams 1-2
    for browser in clients:
        browser.close()


def test_cooperative_challenge_rewards_every_contributor_when_the_goal_is_reached(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, bo, cy) = setting(db, users)
    challenge_id = running(db, program, trainer, cohort_id, format="cooperative", goal="12")
    act(db, program, ala, cohort_id, YESTERDAY, 5, verify_by=trainer)
    act(db, program, bo, cohort_id, YESTERDAY, 4, verify_by=trainer)
    with db.session() as read:
        learner = read.get(User, ala)
    assert learner is not None
    sign_in(client, learner)
    page = soup(client.get(f"/challenges/{challenge_id}").text)
    assert page.select_one("progress")["value"] == str(9 * 100 // 12)
    assert "3 residents to go" in page.get_text(" ", strip=True)
    act(db, program, cy, cohort_id, YESTERDAY, 3, verify_by=trainer)
    assert "Goal reached together" in client.get(f"/challenges/{challenge_id}").text
    assert close(db, program, challenge_id, now=AFTER_IT)
    rewarded = set(session.exec(select(PointEntry.user_id)
                                .where(PointEntry.reason == "challenge_goal")).all())  # fmt: skip
    assert rewarded == {ala, bo, cy}
    assert session.exec(select(func.count()).select_from(ChallengePlacement)).one() == 0
    # A change of rules re-derives the goal's points like every other award.
    with db.session(write=True) as write:
        assert recalculate(write, program) == []
        richer = program.model_copy(
            update={"points": program.points.model_copy(update={"challenge_goal": 50})}
        )
        changes = recalculate(write, richer)
    extra = 50 - program.points.challenge_goal
    assert {(c.user_id, c.points) for c in changes} == {(ala, extra), (bo, extra), (cy, extra)}


def test_a_cooperative_goal_missed_rewards_nobody(
    db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id, format="cooperative", goal="500")
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    assert close(db, program, challenge_id)
    assert not session.exec(select(PointEntry).where(PointEntry.reason == "challenge_goal")).all()


def test_challenges_close_by_themselves_after_the_review_days(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    last_day_over = datetime(2026, 3, 11, 12, tzinfo=UTC)
    with db.session(write=True) as write:
        assert challenges.close_due(write, rules=program, now=last_day_over) == []
        review_over = datetime(2026, 3, 11 + program.challenges.review_days, tzinfo=program.zone)
        assert challenges.close_due(write, rules=program, now=review_over) == [challenge_id]
    assert session.exec(select(ChallengePlacement.place)).all() == [1]


def test_a_learner_looking_closes_a_due_challenge(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    with db.session() as read:
        learner = read.get(User, ala)
    assert learner is not None
    sign_in(client, learner)
    assert client.get("/challenges").status_code == 200
    assert session.exec(select(Challenge.closed_at)).one() is not None
    assert "final" in client.get(f"/challenges/{challenge_id}").text


# --- standings kept equal to the records --------------------------------------------


def test_scores_match_the_records_after_concurrent_completions(
    app: FastAPI, client: TestClient, db: Database, users: Users, session: Session,
    program: ProgramSpec,
) -> None:  # fmt: skip
    trainer, cohort_id, _ = setting(db, users, learners=0)
    learner = users.login(client)
    join(db, cohort_id, learner.id or 0)
    today = date.today()
    challenge_id = make(db, program, trainer, cohort_id, measure="points", now=None,
                        starts_on=str(today - timedelta(days=1)), ends_on=str(today + timedelta(days=1)))  # fmt: skip
    fire(app, client.cookies, f"/courses/{COURSE}/{PLAIN_LESSON}/complete", None)
    assert stored(session, challenge_id) == derived(db, program, challenge_id)
    assert stored(session, challenge_id)[learner.id or 0] > 0


# --- who sees what ------------------------------------------------------------------


def test_only_members_see_a_cohort_challenge_and_pages_show_display_names_only(
    client: TestClient, db: Database, users: Users, program: ProgramSpec
) -> None:
    trainer, cohort_id, learners = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    for learner in learners:
        act(db, program, learner, cohort_id, "2026-03-02", 5, verify_by=trainer)
    outsider = users.create()
    sign_in(client, outsider)
    assert client.get(f"/challenges/{challenge_id}").status_code == 404
    assert challenge_id not in [int(a["href"].split("/")[2]) for a in
                                soup(client.get("/challenges").text).select(".challenge-card a")]  # fmt: skip
    client.cookies.clear()
    assert client.get(f"/challenges/{challenge_id}", follow_redirects=False).status_code == 303
    with db.session() as read:
        member = read.get(User, learners[0])
        everyone = list(read.exec(select(User)))
    assert member is not None
    sign_in(client, member)
    html = client.get(f"/challenges/{challenge_id}").text
    assert "Learner 001" in html
    for person in everyone:
        assert person.username not in html
        assert not person.email or person.email not in html


def test_opted_out_learners_see_a_private_rank_and_still_count_for_the_goal(
    client: TestClient, db: Database, users: Users, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, bo, _) = setting(db, users)
    challenge_id = running(db, program, trainer, cohort_id, format="cooperative", goal="20")
    act(db, program, ala, cohort_id, YESTERDAY, 5, verify_by=trainer)
    act(db, program, bo, cohort_id, YESTERDAY, 9, verify_by=trainer)
    with db.session(write=True) as write:
        write.execute(update(User).where(col(User.id) == bo).values(leaderboard_opt_out=True))
        private = write.get(User, bo)
    assert private is not None
    sign_in(client, private)
    page = soup(client.get(f"/challenges/{challenge_id}").text)
    assert "You would be #1 of 1" in page.get_text(" ", strip=True)
    assert "Learner 001" not in page.select_one("table.board").get_text()
    assert page.select_one("progress")["value"] == str(14 * 100 // 20)


def test_trainers_hide_the_standings(
    client: TestClient, db: Database, users: Users, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    sign_in(client, trainer)
    client.post(f"/challenges/{challenge_id}/visibility", data={"hidden": "1"})
    assert soup(client.get(f"/challenges/{challenge_id}").text).select("table.board")  # staff
    with db.session() as read:
        learner = read.get(User, ala)
    assert learner is not None
    sign_in(client, learner)
    page = soup(client.get(f"/challenges/{challenge_id}").text)
    assert not page.select("table.board") and "hidden the standings" in page.get_text()


def test_the_live_part_is_polled_and_comes_alone_to_htmx(
    client: TestClient, db: Database, users: Users, program: ProgramSpec
) -> None:
    trainer, cohort_id, (ala, *_) = setting(db, users)
    today = date.today()
    challenge_id = make(db, program, trainer, cohort_id, now=None,
                        starts_on=str(today - timedelta(days=1)), ends_on=str(today + timedelta(days=2)))  # fmt: skip
    with db.session() as read:
        learner = read.get(User, ala)
    assert learner is not None
    sign_in(client, learner)
    full = soup(client.get(f"/challenges/{challenge_id}").text)
    live = full.select_one("#live")
    assert live["hx-get"] == f"/challenges/{challenge_id}" and "every" in live["hx-trigger"]
    assert full.select_one("#live a")["href"] == f"/challenges/{challenge_id}"  # no-JS refresh
    assert "left" in live.get_text()
    part = client.get(f"/challenges/{challenge_id}", headers={"HX-Request": "true"})
    assert part.text.lstrip().startswith('<section id="live"') and "<html" not in part.text


# --- forms: bad input changes nothing -----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_en", "", "title in at least one language"),
        ("ends_on", "2026-02-01", "cannot be before the first"),
        ("ends_on", "2028-03-01", "a year at most"),
        ("starts_on", "soon", "first day as a date"),
        ("measure", "votes", "what counts"),
        ("format", "duel", "Choose a format"),
        ("goal", "-5", "whole number from 1"),
        ("action_types", "no-such-type", "from the list"),
    ],
)
def test_bad_challenge_input_is_refused_and_changes_nothing(
    client: TestClient, db: Database, users: Users, session: Session, field: str, value: str,
    message: str,
) -> None:  # fmt: skip
    trainer = users.login(client, Role.trainer)
    cohort_id = new_cohort(db, trainer)
    start = date.today() + timedelta(days=1)
    data = {"cohort_id": str(cohort_id), "title_en": "Clean-up", "starts_on": str(start),
            "ends_on": str(start + timedelta(days=5)), "measure": "actions", "format": "cooperative",
            "goal": "10", field: value}  # fmt: skip
    response = client.post("/challenges", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert session.exec(select(func.count()).select_from(Challenge)).one() == 0


def test_who_may_create_where(
    client: TestClient, db: Database, users: Users, session: Session
) -> None:
    other = new_cohort(db, users.create(Role.trainer), name="Elsewhere")
    users.login(client, Role.trainer)
    start = date.today() + timedelta(days=1)
    data = {"title_en": "Clean-up", "starts_on": str(start), "ends_on": str(start),
            "measure": "actions", "format": "individual"}  # fmt: skip
    assert "Only administrators" in client.post("/challenges", data=data).text
    assert (
        "cohorts you run" in client.post("/challenges", data={**data, "cohort_id": str(other)}).text
    )
    assert session.exec(select(func.count()).select_from(Challenge)).one() == 0
    client.cookies.clear()
    users.login(client, Role.learner)
    assert client.post("/challenges", data=data, follow_redirects=False).status_code == 403


def test_a_started_challenge_keeps_its_rules_and_cannot_be_deleted(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    trainer, cohort_id, _ = setting(db, users)
    challenge_id = make(db, program, trainer, cohort_id)
    sign_in(client, trainer)
    form = soup(client.get(f"/challenges/{challenge_id}/edit").text)
    assert not form.select("input[name=starts_on]")  # only the texts are offered
    saved = client.post(f"/challenges/{challenge_id}/edit",
                        data={"title_en": "Spring clean-up 2026", "measure": "points",
                              "starts_on": "2026-09-01", "ends_on": "2026-09-02"},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    challenge = session.exec(select(Challenge)).one()
    assert challenge.title == {"en": "Spring clean-up 2026"} and challenge.measure == "residents"
    assert challenge.starts_on == date(2026, 3, 1)
    client.post(f"/challenges/{challenge_id}/delete", data={"confirm": "yes"})
    assert session.exec(select(func.count()).select_from(Challenge)).one() == 1


def test_program_wide_challenges_are_for_every_learner(
    client: TestClient, db: Database, users: Users, session: Session, program: ProgramSpec
) -> None:
    admin = users.create(Role.admin)
    trainer, cohort_id, (ala, *_) = setting(db, users)
    loner = users.create(display_name="No cohort")
    challenge_id = make(db, program, admin, None, format="individual")
    act(db, program, ala, cohort_id, "2026-03-02", 5, verify_by=trainer)
    sign_in(client, loner)
    page = soup(client.get(f"/challenges/{challenge_id}").text)
    assert "Whole program" in page.get_text() and page.select("table.board")
    assert session.exec(select(ChallengeTeamMember)).all() == []
