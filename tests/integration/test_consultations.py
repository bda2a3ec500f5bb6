"""Trainers log consultations; learners see theirs without the trainer's private note."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from localleaders.models import AuditEntry, Consultation, Role
from localleaders.services import cohorts
from tests.conftest import COURSE, Users


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def test_trainer_logs_and_learner_sees_it_without_the_note(
    app: FastAPI, users: Users, session: Session
) -> None:
    trainer_client = TestClient(app, base_url="https://testserver")
    learner_client = TestClient(app, base_url="https://testserver")
    trainer = users.login(trainer_client, Role.trainer, display_name="Coach Birch")
    learner = users.login(learner_client, display_name="Maple Street")
    outsider = users.create(display_name="Not In Cohort")
    with users.db.session(write=True) as write:
        form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01")
        cohort = cohorts.create(write, actor=trainer, form=form)
        cohorts.join(write, user=learner, code=cohort.join_code)
    url = f"/trainer/cohorts/{cohort.id}/consultations"
    page = soup(trainer_client.get(url))
    assert [o["value"] for o in page.select("#f-learner_id option") if o["value"]] == [
        str(learner.id)
    ]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    good = {"learner_id": str(learner.id), "held_on": yesterday, "minutes": "45",
            "topic": "Planning the appeal", "note": "Worried about the landlord."}  # fmt: skip
    for field, bad in (("learner_id", str(outsider.id)), ("minutes", "0"), ("topic", ""),
                       ("held_on", (date.today() + timedelta(days=3)).isoformat())):  # fmt: skip
        response = trainer_client.post(url, data={**good, field: bad})
        assert response.status_code == 422, field
        assert soup(response).select_one(f"#f-{field}-error") is not None, field
    assert session.exec(select(func.count()).select_from(Consultation)).one() == 0
    logged = trainer_client.post(url, data=good, follow_redirects=False)
    assert logged.status_code == 303
    listing = soup(trainer_client.get(url))
    assert "Worried about the landlord." in listing.select_one("tbody").get_text()
    mine = learner_client.get("/profile")
    table = soup(mine).select_one("#consultations-title ~ .table-wrap")
    assert table is not None and "Planning the appeal" in table.get_text()
    assert "Coach Birch" in table.get_text()
    assert "landlord" not in mine.text
    assert soup(mine).title.get_text() == "My progress · Local Leaders"
    assert learner_client.get(url).status_code == 403
    with TestClient(app, base_url="https://testserver") as other:
        users.login(other, Role.trainer)
        assert other.get(url).status_code == 404
        assert other.post(url, data=good).status_code == 404
    session.rollback()
    assert session.exec(select(func.count()).select_from(Consultation)).one() == 1
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "consultation.log")).first()
