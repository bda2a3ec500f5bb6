"""Community actions: logged by learners, reviewed by their cohort's trainers, points on
verification through the ledger, public ones on the cohort's feed."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.models import (
    ActionRevision,
    Cohort,
    CommunityAction,
    PointEntry,
    Role,
    User,
)
from localleaders.services import cohorts
from tests.conftest import COURSE, QUIZ_LESSON, Users


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def action_data(**changes: str) -> dict[str, str]:
    data = {
        "type": "neighbourhood-meeting",
        "title": "Courtyard meeting about the lamps",
        "happened_on": (date.today() - timedelta(days=2)).isoformat(),
        "description": "Twelve neighbours came to the courtyard.",
        "outcome": "We agreed to write to the housing office.",
        "residents_mobilised": "12",
        "participants": "12",
        "volunteer_hours": "1,5",
        "place": "Hrodna",
        "links": "",
        "visibility": "cohort",
        "intent": "submit",
    }
    data.update(changes)
    return data


class Programme:
    """A cohort with a trainer and a learner, each with their own logged-in client."""

    def __init__(self, app: FastAPI, users: Users, session: Session) -> None:
        self.app = app
        self.session = session
        self.trainer_client = TestClient(app, base_url="https://testserver")
        self.learner_client = TestClient(app, base_url="https://testserver")
        self.trainer = users.login(self.trainer_client, Role.trainer, display_name="Coach Birch")
        self.learner = users.login(self.learner_client, display_name="Maple Street")
        with users.db.session(write=True) as write:
            form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01")
            cohort = cohorts.create(write, actor=self.trainer, form=form)
            cohorts.join(write, user=self.learner, code=cohort.join_code)
        assert cohort.id is not None
        self.cohort_id = cohort.id

    def log(self, **changes: str) -> int:
        response = self.learner_client.post(
            "/actions", data=action_data(**changes), follow_redirects=False
        )
        assert response.status_code == 303, response.text
        return int(response.headers["location"].split("/")[2].split("?")[0])

    def action(self, action_id: int) -> CommunityAction:
        self.session.rollback()  # see the latest commit
        action = self.session.get(CommunityAction, action_id)
        assert action is not None
        return action

    def points(self, user: User) -> list[int]:
        self.session.rollback()
        rows = self.session.exec(
            select(PointEntry.amount)
            .where(PointEntry.user_id == user.id, col(PointEntry.source_key).startswith("action:"))
            .order_by(col(PointEntry.id))
        )
        return list(rows)


def points_for(app: FastAPI, kind: str, residents: int = 12) -> int:
    """The type's points plus points per resident mobilised (12 in action_data), capped."""
    program: ProgramSpec = app.state.program
    per_resident = min(residents, program.points.residents_cap) * program.points.per_resident
    return next(a.points for a in program.action_types if a.key == kind) + per_resident


def test_learner_logs_a_draft_and_sees_it(app: FastAPI, users: Users, session: Session) -> None:
    world = Programme(app, users, session)
    action_id = world.log(intent="draft", links="https://example.org/post/1")
    action = world.action(action_id)
    assert action.status == "draft" and action.volunteer_minutes == 90
    assert action.cohort_id == world.cohort_id  # the learner's only cohort
    page = soup(world.learner_client.get(f"/actions/{action_id}?saved=1"))
    assert page.select_one("h1").get_text() == "Courtyard meeting about the lamps"
    assert page.select_one(".status--draft") is not None
    listing = soup(world.learner_client.get("/actions"))
    assert [a.get_text() for a in listing.select(".action-card a")] == [action.title]
    link = page.select_one("a[href='https://example.org/post/1']")
    assert link is not None and "noopener" in link["rel"]
    sent = world.learner_client.post(f"/actions/{action_id}/submit", follow_redirects=False)
    assert sent.status_code == 303 and world.action(action_id).status == "submitted"
    steps = soup(world.learner_client.get(f"/actions/{action_id}")).select(".timeline__item")
    assert [s["class"][-1] for s in steps] == ["timeline__item--saved", "timeline__item--submitted"]
    again = world.learner_client.post(f"/actions/{action_id}/submit")
    assert again.status_code == 409


def test_bad_input_changes_nothing(app: FastAPI, users: Users, session: Session) -> None:
    world = Programme(app, users, session)
    cases = {
        "type": {"type": "protest"},
        "title": {"title": "x"},
        "happened_on": {"happened_on": (date.today() + timedelta(days=3)).isoformat()},
        "place": {"place": "Lenina street 5"},
        "links": {"links": "javascript:alert(1)"},
        "residents_mobilised": {"residents_mobilised": "-3"},
        "volunteer_hours": {"volunteer_hours": "lots"},
        "lesson": {"lesson": "no-course/no-lesson"},
    }
    for field, change in cases.items():
        response = world.learner_client.post("/actions", data=action_data(**change))
        assert response.status_code == 422, field
        assert soup(response).select_one(f"#f-{field}-error") is not None, field
    assert session.exec(select(func.count()).select_from(CommunityAction)).one() == 0


def test_submitting_needs_a_cohort(client: TestClient, users: Users, session: Session) -> None:
    users.login(client)
    response = client.post("/actions", data=action_data())
    assert response.status_code == 422
    assert soup(response).select_one("#f-cohort_id-error") is not None
    draft = client.post("/actions", data=action_data(intent="draft"), follow_redirects=False)
    assert draft.status_code == 303  # a draft needs no cohort


def test_changes_requested_edit_then_verified_with_points_and_feed(
    app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    action_id = world.log()
    assert world.action(action_id).status == "submitted"
    queue = soup(world.trainer_client.get("/trainer/reviews"))
    assert [a["href"] for a in queue.select("tbody a")] == [f"/trainer/reviews/{action_id}"]
    no_comment = world.trainer_client.post(
        f"/trainer/reviews/{action_id}", data={"decision": "changes", "comment": ""}
    )
    assert no_comment.status_code == 422 and soup(no_comment).select_one("#f-comment-error")
    asked = world.trainer_client.post(
        f"/trainer/reviews/{action_id}",
        data={"decision": "changes", "comment": "Please add what the office answered."},
        follow_redirects=False,
    )
    assert asked.status_code == 303 and world.action(action_id).status == "changes_requested"
    page = soup(world.learner_client.get(f"/actions/{action_id}"))
    assert "Please add what the office answered." in page.select_one(".alert--info").get_text()
    edited = world.learner_client.post(
        f"/actions/{action_id}/edit",
        data=action_data(outcome="The office promised new lamps by May."),
        follow_redirects=False,
    )
    assert edited.status_code == 303
    action = world.action(action_id)
    assert action.status == "submitted" and action.version == 2
    revisions = session.exec(
        select(ActionRevision.version).where(ActionRevision.action_id == action_id)
    ).all()
    assert sorted(revisions) == [1, 2]
    history = soup(world.learner_client.get(f"/actions/{action_id}")).select(".timeline__item")
    assert any("Outcome" in item.get_text() for item in history)
    assert world.points(world.learner) == []
    verified = world.trainer_client.post(
        f"/trainer/reviews/{action_id}", data={"decision": "verify"}, follow_redirects=False
    )
    assert verified.status_code == 303 and world.action(action_id).status == "verified"
    assert world.points(world.learner) == [points_for(app, "neighbourhood-meeting")]
    feed = soup(world.learner_client.get(f"/cohorts/{world.cohort_id}"))
    cards = feed.select("#feed-title ~ ol .action-card")
    assert len(cards) == 1 and "Maple Street" in cards[0].get_text()
    again = world.trainer_client.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    assert again.status_code == 409  # verified once, awarded once
    assert len(world.points(world.learner)) == 1
    locked = world.learner_client.post(f"/actions/{action_id}/edit", data=action_data())
    assert locked.status_code == 409


def test_private_actions_never_reach_the_feed(app: FastAPI, users: Users, session: Session) -> None:
    world = Programme(app, users, session)
    action_id = world.log(visibility="trainers", title="Talk with the district office")
    world.trainer_client.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    assert world.action(action_id).status == "verified"
    feed = soup(world.learner_client.get(f"/cohorts/{world.cohort_id}"))
    assert feed.select("#feed-title ~ ol .action-card") == []
    assert "Talk with the district office" not in feed.get_text()


def test_large_claims_need_two_trainers(app: FastAPI, users: Users, session: Session) -> None:
    world = Programme(app, users, session)
    threshold = app.state.program.actions.second_verification_residents
    action_id = world.log(residents_mobilised=str(threshold), type="public-event")
    first = world.trainer_client.post(
        f"/trainer/reviews/{action_id}", data={"decision": "verify"}, follow_redirects=False
    )
    assert first.status_code == 303 and world.action(action_id).status == "submitted"
    assert soup(world.trainer_client.get("/trainer/reviews")).select("tbody a") == []
    twice = world.trainer_client.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    assert twice.status_code == 409 and world.action(action_id).status == "submitted"
    assert world.points(world.learner) == []
    second = TestClient(app, base_url="https://testserver")
    colleague = users.login(second, Role.trainer)
    with users.db.session(write=True) as write:
        cohort = write.get(Cohort, world.cohort_id)
        assert cohort is not None
        form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01",
                                  trainer_ids=[str(world.trainer.id), str(colleague.id)])  # fmt: skip
        cohorts.update(write, actor=world.trainer, cohort=cohort, form=form)
    queue = soup(second.get("/trainer/reviews"))
    assert "1 of 2" in queue.select_one("tbody").get_text()
    second.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    assert world.action(action_id).status == "verified"
    assert world.points(world.learner) == [points_for(app, "public-event", threshold)]


def test_reopening_re_derives_points_through_the_ledger(
    app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    action_id = world.log(type="new-service")
    world.trainer_client.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    due = points_for(app, "new-service")
    assert world.points(world.learner) == [due]
    empty = world.trainer_client.post(f"/trainer/reviews/{action_id}/reopen", data={"comment": ""})
    assert empty.status_code == 422
    world.trainer_client.post(
        f"/trainer/reviews/{action_id}/reopen", data={"comment": "It was a volunteer drive."}
    )
    assert world.action(action_id).status == "changes_requested"
    assert world.points(world.learner) == [due, -due]  # taken back by a new row
    amounts = [td.get_text() for td in soup(world.learner_client.get("/profile")).select("td.num")]
    assert f"-{due}" in amounts and f"+{due}" in amounts
    world.learner_client.post(
        f"/actions/{action_id}/edit", data=action_data(type="volunteer-drive")
    )
    world.trainer_client.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
    drive = points_for(app, "volunteer-drive")
    assert world.points(world.learner) == [due, -due, drive]
    total = session.exec(select(func.sum(PointEntry.amount)).where(
        PointEntry.user_id == world.learner.id)).one()  # fmt: skip
    assert total == drive


def test_rejection_needs_a_reason_and_is_final(
    app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    action_id = world.log()
    assert world.trainer_client.post(
        f"/trainer/reviews/{action_id}", data={"decision": "reject"}
    ).status_code == 422  # fmt: skip
    assert world.trainer_client.post(
        f"/trainer/reviews/{action_id}", data={"decision": "maybe", "comment": "Hmm, no."}
    ).status_code == 422  # fmt: skip
    world.trainer_client.post(
        f"/trainer/reviews/{action_id}",
        data={"decision": "reject", "comment": "This happened before the programme started."},
    )
    assert world.action(action_id).status == "rejected"
    page = soup(world.learner_client.get(f"/actions/{action_id}"))
    assert "before the programme started" in page.select_one(".alert--info").get_text()
    assert world.points(world.learner) == []
    assert (
        world.learner_client.post(f"/actions/{action_id}/edit", data=action_data()).status_code
        == 409
    )


def test_outsiders_cannot_see_or_review(app: FastAPI, users: Users, session: Session) -> None:
    world = Programme(app, users, session)
    action_id = world.log()
    with TestClient(app, base_url="https://testserver") as other:
        users.login(other)
        assert other.get(f"/actions/{action_id}").status_code == 404
        assert other.post(f"/actions/{action_id}/edit", data=action_data()).status_code == 404
        assert other.get(f"/trainer/reviews/{action_id}").status_code == 403
    with TestClient(app, base_url="https://testserver") as other_trainer:
        users.login(other_trainer, Role.trainer)
        assert other_trainer.get(f"/trainer/reviews/{action_id}").status_code == 404
        response = other_trainer.post(f"/trainer/reviews/{action_id}", data={"decision": "verify"})
        assert response.status_code == 404
        assert soup(other_trainer.get("/trainer/reviews")).select("tbody a") == []
    assert world.action(action_id).status == "submitted"


def test_a_lesson_starts_the_form_with_its_action(
    app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    lesson_page = soup(world.learner_client.get(f"/courses/{COURSE}/{QUIZ_LESSON}"))
    link = lesson_page.select_one(".practice__action a")
    assert link is not None and link["href"] == f"/actions/new?lesson={COURSE}/{QUIZ_LESSON}"
    form = soup(world.learner_client.get(link["href"]))
    chosen = form.select_one("#f-lesson option[selected]")
    assert chosen is not None and chosen["value"] == f"{COURSE}/{QUIZ_LESSON}"
    assert form.select_one("#f-type option[selected]") is not None


def test_drafts_can_be_deleted_but_nothing_else(
    app: FastAPI, users: Users, session: Session
) -> None:
    world = Programme(app, users, session)
    draft = world.log(intent="draft")
    submitted = world.log()
    assert world.learner_client.post(f"/actions/{submitted}/delete").status_code == 409
    deleted = world.learner_client.post(f"/actions/{draft}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    session.rollback()
    assert session.get(CommunityAction, draft) is None
    assert session.get(CommunityAction, submitted) is not None
