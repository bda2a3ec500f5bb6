"""Cohorts: trainers create and run them, learners join with a code or a link."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.models import (
    AuditEntry,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortTrainer,
    LessonCompletion,
    Role,
    User,
)
from localleaders.services import cohorts
from tests.conftest import COURSE, PLAIN_LESSON, Users


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def new_cohort(client: TestClient, **fields: object) -> int:
    data = {"name": "Hrodna spring", "courses": [COURSE], "starts_on": "2027-03-01"}
    data.update(fields)  # type: ignore[arg-type]
    response = client.post("/trainer/cohorts", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[3])


def status(session: Session, cohort_id: int) -> str:
    session.rollback()  # ends the read transaction, so the latest commit is seen
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    return cohort.status


def second_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def test_trainer_creates_a_cohort_and_runs_it(
    client: TestClient, users: Users, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    page = soup(client.get("/trainer/cohorts/new"))
    assert page.select_one(f"input[name=courses][value={COURSE}]") is not None
    cohort_id = new_cohort(client, ends_on="2027-06-30")
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None and cohort.name == "Hrodna spring" and cohort.status == "open"
    assert len(cohort.join_code) == cohorts.CODE_LENGTH
    trainers = session.exec(
        select(CohortTrainer.user_id).where(CohortTrainer.cohort_id == cohort_id)
    )
    assert list(trainers) == [trainer.id]
    manage = soup(client.get(f"/trainer/cohorts/{cohort_id}/manage?created=1"))
    assert manage.select_one(".alert--success") is not None
    assert manage.select_one(".join-code").get_text() == cohorts.display_code(cohort.join_code)
    assert manage.select_one(".invite__link").get_text().endswith(f"/join/{cohort.join_code}")
    qr = client.get(f"/trainer/cohorts/{cohort_id}/invite.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    drawing = BeautifulSoup(qr.text, "html.parser").svg
    assert drawing is not None and drawing.find("path") is not None  # drawn here, not linked
    assert "href" not in qr.text
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.target_id == cohort_id))
    assert "cohort.create" in list(actions)


def test_bad_cohort_form_changes_nothing(
    client: TestClient, users: Users, session: Session
) -> None:
    users.login(client, Role.trainer)
    response = client.post(
        "/trainer/cohorts",
        data={"name": "x", "courses": ["no-such-course"], "starts_on": "2027-05-01",
              "ends_on": "2027-04-01"},
    )  # fmt: skip
    assert response.status_code == 422
    page = soup(response)
    for name in ("name", "ends_on"):
        assert page.select_one(f"#f-{name}-error") is not None, name
    assert page.select_one("#f-courses-error") is not None
    assert session.exec(select(Cohort)).first() is None
    response = client.post("/trainer/cohorts", data={"name": "Fine name", "courses": [COURSE]})
    assert response.status_code == 422 and soup(response).select_one("#f-starts_on-error")


def test_learner_joins_with_a_typed_code(
    client: TestClient, app: FastAPI, users: Users, session: Session
) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    code = session.get(Cohort, cohort_id).join_code
    with second_client(app) as learner_client:
        learner = users.login(learner_client)
        bad = learner_client.post("/cohorts/join", data={"code": "NOPE-NOPE"})
        assert bad.status_code == 422 and soup(bad).select_one("#f-code-error") is not None
        typed = f" {code[:4].lower()}-{code[4:].lower()} "
        joined = learner_client.post("/cohorts/join", data={"code": typed}, follow_redirects=False)
        assert joined.status_code == 303 and joined.headers["location"].startswith(
            f"/cohorts/{cohort_id}"
        )
        again = learner_client.post("/cohorts/join", data={"code": code}, follow_redirects=False)
        assert again.status_code == 303  # joining twice is harmless
        members = session.exec(select(CohortMember).where(CohortMember.cohort_id == cohort_id))
        assert [m.user_id for m in members] == [learner.id]
        mine = soup(learner_client.get("/cohorts"))
        assert [a.get_text() for a in mine.select(".cohort-list a")] == ["Hrodna spring"]


def test_invitation_link_for_visitors_and_members(
    client: TestClient, app: FastAPI, users: Users, session: Session
) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    code = session.get(Cohort, cohort_id).join_code
    with second_client(app) as visitor:
        page = soup(visitor.get(f"/join/{code}"))
        assert page.select_one("h1").get_text() == "Hrodna spring"
        links = [a["href"] for a in page.select(".hero__actions a")]
        assert links == [f"/register?next=/join/{code}", f"/login?next=/join/{code}"]
        assert visitor.get("/join/ZZZZZZZZ").status_code == 404
        registered = visitor.post(
            "/register",
            data={"username": "new.person", "display_name": "Linden", "password": "x" * 14,
                  "next": f"/join/{code}"},
            follow_redirects=False,
        )  # fmt: skip
        assert registered.headers["location"] == f"/join/{code}"
        page = soup(visitor.get(f"/join/{code}"))
        assert page.select_one(f"form[action='/join/{code}']") is not None
        accepted = visitor.post(f"/join/{code}", follow_redirects=False)
        assert accepted.status_code == 303
        welcome = soup(visitor.get(accepted.headers["location"]))
        assert welcome.select_one(".alert--success") is not None
        assert soup(visitor.get(f"/join/{code}")).select_one(".alert--success") is not None


def test_member_page_shows_courses_deadlines_and_announcements(
    client: TestClient, app: FastAPI, users: Users, session: Session
) -> None:
    trainer = users.login(client, Role.trainer, display_name="Coach Birch")
    cohort_id = new_cohort(client)
    code = session.get(Cohort, cohort_id).join_code
    url = f"/trainer/cohorts/{cohort_id}"
    assert client.post(f"{url}/deadlines", data={"course": COURSE, "due_on": "2999-01-31"},
                       follow_redirects=False).status_code == 303  # fmt: skip
    bad = client.post(f"{url}/deadlines", data={"course": COURSE, "due_on": "31.01.2999"})
    assert bad.status_code == 422
    assert client.post(f"{url}/announcements", data={"body": "First meeting on Thursday."},
                       follow_redirects=False).status_code == 303  # fmt: skip
    assert client.post(f"{url}/announcements", data={"body": " "}).status_code == 422
    with second_client(app) as learner_client:
        users.login(learner_client)
        learner_client.post("/cohorts/join", data={"code": code})
        learner_client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete")
        page = soup(learner_client.get(f"/cohorts/{cohort_id}"))
        assert page.select_one("h1").get_text() == "Hrodna spring"
        assert "Coach Birch" in page.select_one(".page-header").get_text()
        assert page.select_one(".course-card .card__title a")["href"] == f"/courses/{COURSE}"
        deadlines = page.select("#deadlines-title ~ ul li")
        assert len(deadlines) == 1 and "2999" in deadlines[0].get_text()
        notes = [p.get_text() for p in page.select(".announcement__body")]
        assert notes == ["First meeting on Thursday."]
        assert page.select_one("a[href$='/manage']") is None  # no trainer link for learners
    assert trainer.id is not None


def test_outsiders_get_404(client: TestClient, app: FastAPI, users: Users, db: Database) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    with second_client(app) as other:
        users.login(other)
        assert other.get(f"/cohorts/{cohort_id}").status_code == 404
        assert other.get("/cohorts/999999").status_code == 404
    with second_client(app) as other_trainer:
        users.login(other_trainer, Role.trainer)
        for path in ("manage", "edit", "invite.svg"):
            assert other_trainer.get(f"/trainer/cohorts/{cohort_id}/{path}").status_code == 404
        response = other_trainer.post(
            f"/trainer/cohorts/{cohort_id}/close", data={"confirm": "yes"}
        )
        assert response.status_code == 404
    with db.session() as session:
        assert status(session, cohort_id) == "open"


def test_add_and_remove_a_learner_keeps_their_records(
    client: TestClient, users: Users, session: Session, db: Database, program: ProgramSpec
) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    learner = users.create(username="maple.leaf", display_name="Maple")
    url = f"/trainer/cohorts/{cohort_id}"
    unknown = client.post(f"{url}/learners", data={"username": "nobody.here"})
    assert unknown.status_code == 422 and soup(unknown).select_one("#f-username-error")
    added = client.post(f"{url}/learners", data={"username": "Maple.Leaf"}, follow_redirects=False)
    assert added.status_code == 303
    twice = client.post(f"{url}/learners", data={"username": "maple.leaf"})
    assert twice.status_code == 422
    with db.session(write=True) as write:
        from localleaders.services import learning

        learning.complete_lesson(write, user_id=learner.id or 0, course_slug=COURSE,
                                 slug=PLAIN_LESSON, rules=program)  # fmt: skip
    page = soup(client.get(f"{url}/manage"))
    assert [a.get_text() for a in page.select("tbody a")] == ["Maple"]
    assert page.find(string=lambda s: s and "@" in s and "example" in s) is None  # no e-mails
    removed = client.post(f"{url}/learners/{learner.id}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert session.get(CohortMember, (cohort_id, learner.id)) is None
    done = session.exec(select(LessonCompletion).where(LessonCompletion.user_id == learner.id))
    assert len(list(done)) == 1
    assert client.post(f"{url}/learners/{learner.id}/remove").status_code == 404
    actions = list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))))
    assert actions[-2:] == ["cohort.add_learner", "cohort.remove_learner"]


def test_closing_needs_confirmation_and_makes_the_cohort_read_only(
    client: TestClient, app: FastAPI, users: Users, session: Session
) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    code = session.get(Cohort, cohort_id).join_code
    url = f"/trainer/cohorts/{cohort_id}"
    unconfirmed = client.post(f"{url}/close")
    assert unconfirmed.status_code == 422 and soup(unconfirmed).select_one("#f-confirm-error")
    assert status(session, cohort_id) == "open"
    closed = client.post(f"{url}/close", data={"confirm": "yes"}, follow_redirects=False)
    assert closed.status_code == 303
    assert status(session, cohort_id) == "closed"
    for path, data in (("announcements", {"body": "Too late"}), ("code", {}),
                       ("learners", {"username": "someone"})):  # fmt: skip
        assert client.post(f"{url}/{path}", data=data).status_code in (409, 422), path
    page = soup(client.get(f"{url}/manage"))
    assert page.select_one("form[action$='/announcements']") is None
    with second_client(app) as learner_client:
        users.login(learner_client)
        refused = learner_client.post("/cohorts/join", data={"code": code})
        assert refused.status_code == 422
    archived = client.post(f"{url}/archive", data={"confirm": "yes"}, follow_redirects=False)
    assert archived.status_code == 303
    assert status(session, cohort_id) == "archived"


def test_new_code_stops_the_old_one(client: TestClient, users: Users, session: Session) -> None:
    users.login(client, Role.trainer)
    cohort_id = new_cohort(client)
    old = session.get(Cohort, cohort_id).join_code
    assert (
        client.post(f"/trainer/cohorts/{cohort_id}/code", follow_redirects=False).status_code == 303
    )
    session.rollback()
    new = session.get(Cohort, cohort_id).join_code
    assert new != old
    assert client.get(f"/join/{old}").status_code == 404
    assert client.get(f"/join/{new}").status_code == 200


def test_edit_changes_courses_and_trainers(
    client: TestClient, users: Users, session: Session
) -> None:
    trainer = users.login(client, Role.trainer)
    colleague = users.create(Role.trainer, display_name="Colleague")
    learner = users.create()
    cohort_id = new_cohort(client)
    form = soup(client.get(f"/trainer/cohorts/{cohort_id}/edit"))
    assert form.select_one("#f-name")["value"] == "Hrodna spring"
    bad = client.post(f"/trainer/cohorts/{cohort_id}/edit",
                      data={"name": "Renamed", "courses": [COURSE], "starts_on": "2027-03-01",
                            "trainers": [str(learner.id)]})  # fmt: skip
    assert bad.status_code == 422 and soup(bad).select_one("#f-trainers-error")
    saved = client.post(
        f"/trainer/cohorts/{cohort_id}/edit",
        data={"name": "Renamed", "courses": ["youth-initiatives", COURSE],
              "starts_on": "2027-03-01", "trainers": [str(colleague.id)]},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    session.rollback()
    assert session.get(Cohort, cohort_id).name == "Renamed"
    links = session.exec(
        select(CohortCourse)
        .where(CohortCourse.cohort_id == cohort_id)
        .order_by(col(CohortCourse.position))
    ).all()
    assert len(links) == 2
    trainer_ids = set(
        session.exec(select(CohortTrainer.user_id).where(CohortTrainer.cohort_id == cohort_id))
    )
    assert trainer_ids == {trainer.id, colleague.id}  # the editing trainer stays on


def test_admin_runs_any_cohort_and_may_leave_it_to_trainers(
    client: TestClient, users: Users, session: Session
) -> None:
    users.login(client, Role.admin)
    trainer = users.create(Role.trainer)
    no_trainer = client.post(
        "/trainer/cohorts",
        data={"name": "Admin made", "courses": [COURSE], "starts_on": "2027-01-10"},
    )
    assert no_trainer.status_code == 422 and soup(no_trainer).select_one("#f-trainers-error")
    cohort_id = new_cohort(client, trainers=[str(trainer.id)])
    assert client.get(f"/trainer/cohorts/{cohort_id}/manage").status_code == 200
    assert session.exec(
        select(CohortTrainer.user_id).where(CohortTrainer.cohort_id == cohort_id)
    ).all() == [trainer.id]


def test_learners_see_pseudonyms_only(
    client: TestClient, app: FastAPI, users: Users, session: Session
) -> None:
    users.login(client, Role.trainer, email="coach@example.org")
    cohort_id = new_cohort(client)
    code = session.get(Cohort, cohort_id).join_code
    with second_client(app) as learner_client:
        users.login(learner_client, email="learner@example.org")
        learner_client.post("/cohorts/join", data={"code": code})
        text = learner_client.get(f"/cohorts/{cohort_id}").text
        assert "@example.org" not in text
    assert session.exec(select(User).where(User.email == "coach@example.org")).first()


def test_demo_data_has_a_running_cohort(
    db: Database, session: Session, program: ProgramSpec
) -> None:
    from localleaders.demo import load_demo

    lines = load_demo(db, program)
    assert any("trainer" in line for line in lines)
    cohort = session.exec(select(Cohort)).one()
    members = session.exec(select(CohortMember).where(CohortMember.cohort_id == cohort.id))
    assert len(list(members)) == 3
    done = session.exec(select(LessonCompletion)).all()
    assert len(done) == 2 + 4 + 1
    assert load_demo(db, program) == ["Demo data skipped: the database already has users."]
