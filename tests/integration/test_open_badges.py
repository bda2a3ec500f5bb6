"""Publishing a badge as an Open Badges 2.0 hosted assertion, and withdrawing it."""

from __future__ import annotations

import hashlib

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openbadges_bakery import unbake  # type: ignore[import-untyped]
from sqlmodel import Session, select

from localleaders.models import AuditEntry, BadgeAssertion, BadgeAward
from tests.conftest import COURSE, PLAIN_LESSON, Users

EMAIL = "Maple@Example.org"


def earn_first_badge(client: TestClient, users: Users, session: Session) -> BadgeAward:
    user = users.login(client)
    client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete")
    return session.exec(select(BadgeAward).where(BadgeAward.user_id == user.id)).one()


def publish(client: TestClient, award: BadgeAward) -> str:
    response = client.post(f"/badges/{award.id}/publish", data={"email": EMAIL},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/badges/{award.id}"
    page = BeautifulSoup(client.get(f"/badges/{award.id}").text, "html.parser")
    link = page.select_one(".publish__link a")
    assert link is not None
    return str(link["href"])


def test_badges_are_private_until_published(
    client: TestClient, users: Users, session: Session
) -> None:
    award = earn_first_badge(client, users, session)
    assert session.exec(select(BadgeAssertion)).all() == []
    assert client.get(f"/openbadges/assertions/{'0' * 32}").status_code == 404
    path = publish(client, award)
    client.cookies.clear()  # what anyone on the internet sees
    document = client.get(path).json()
    assert document["type"] == "Assertion" and document["verification"] == {"type": "hosted"}
    recipient = document["recipient"]
    expected = hashlib.sha256((EMAIL.lower() + recipient["salt"]).encode()).hexdigest()
    assert recipient == {"type": "email", "hashed": True, "salt": recipient["salt"],
                         "identity": f"sha256${expected}"}  # fmt: skip
    assert EMAIL.lower() not in client.get(path).text
    badge_class = client.get(document["badge"].replace("https://testserver", "")).json()
    assert badge_class["name"] == "First step" and badge_class["type"] == "BadgeClass"
    issuer = client.get(badge_class["issuer"].replace("https://testserver", "")).json()
    assert issuer == {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer",
                      "id": "https://testserver/openbadges/issuer", "name": "Local Leaders",
                      "url": "https://testserver/"}  # fmt: skip
    image = client.get(badge_class["image"].replace("https://testserver", ""))
    assert image.headers["content-type"] == "image/svg+xml" and b"<svg" in image.content


def test_the_baked_image_carries_the_assertion(
    client: TestClient, users: Users, session: Session
) -> None:
    import io

    award = earn_first_badge(client, users, session)
    path = publish(client, award)
    baked = client.get(f"{path}/image")
    assert baked.headers["content-type"] == "image/svg+xml"
    assert f"https://testserver{path}" in unbake(io.BytesIO(baked.content))


def test_withdrawing_revokes_the_assertion(
    client: TestClient, users: Users, session: Session
) -> None:
    award = earn_first_badge(client, users, session)
    path = publish(client, award)
    client.post(f"/badges/{award.id}/unpublish")
    revoked = client.get(path)
    assert revoked.status_code == 410 and revoked.json()["revoked"] is True
    assert client.get(f"{path}/image").status_code == 410
    again = publish(client, award)  # publishing again makes a new assertion
    assert again != path and client.get(again).status_code == 200
    actions = session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["badge.publish", "badge.unpublish", "badge.publish"]


def test_publishing_checks_the_address_and_the_owner(
    client: TestClient, users: Users, session: Session
) -> None:
    award = earn_first_badge(client, users, session)
    bad = client.post(f"/badges/{award.id}/publish", data={"email": "not an address"})
    assert bad.status_code == 422
    page = BeautifulSoup(bad.text, "html.parser")
    assert page.select_one("#f-email")["aria-invalid"] == "true"
    assert page.select_one("#f-email-error") is not None
    assert page.select_one("#f-email")["value"] == "not an address"
    client.cookies.clear()
    users.login(client, username="someone-else")
    assert client.post(f"/badges/{award.id}/publish", data={"email": EMAIL}).status_code == 404
    assert client.get(f"/badges/{award.id}").status_code == 404
    assert session.exec(select(BadgeAssertion)).all() == []


def test_unknown_badge_classes_are_not_found(client: TestClient) -> None:
    assert client.get("/openbadges/badges/first-step/standard").status_code == 200
    assert client.get("/openbadges/badges/steady-learner/gold").status_code == 200
    assert client.get("/openbadges/badges/first-step/gold").status_code == 404
    assert client.get("/openbadges/badges/no-such-badge/standard").status_code == 404
