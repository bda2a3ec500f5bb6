"""Registering, logging in and out, passwords and sessions, through the HTTP app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from localleaders.models import User, UserSession
from localleaders.models.base import utcnow
from localleaders.services import sessions
from localleaders.settings import Settings
from tests.conftest import PASSWORD, Users

GOOD = {
    "username": "maple.street",
    "display_name": "Maple",
    "password": "twelve chars ok",
    "email": "",
}


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def field_error(html: str, name: str) -> str:
    node = BeautifulSoup(html, "html.parser").select_one(f"#f-{name}-error")
    return node.get_text(strip=True) if node else ""


def test_register_logs_in_and_sets_a_host_only_secure_cookie(
    client: TestClient, session: Session, settings: Settings
) -> None:
    response = client.post("/register", data=GOOD, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/courses"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
        assert attribute in cookie
    assert "Domain" not in cookie
    user = session.exec(select(User).where(User.username == "maple.street")).one()
    assert user.email is None and user.password_hash.startswith("$argon2id$")
    stored = session.exec(select(UserSession)).one()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert (
        stored.token_hash == sessions.hash_token(token, settings.secret_key.encode())
        and token not in stored.token_hash
    )
    assert client.get("/profile").status_code == 200


def test_register_with_htmx_redirects_by_header(client: TestClient) -> None:
    response = client.post("/register", data=GOOD, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/courses"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "ab", "3 to 40 characters"),
        ("username", "Has Space", "3 to 40 characters"),
        ("display_name", " x ", "2 to 60 characters"),
        ("password", "short", "at least 12 characters"),
        ("password", "x" * 1025, "at most 1024 characters"),
        ("email", "not-an-email", "does not look like an e-mail"),
    ],
)
def test_register_rejects_bad_input_and_changes_nothing(
    client: TestClient, session: Session, field: str, value: str, message: str
) -> None:
    response = client.post("/register", data={**GOOD, field: value})
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert "__Host-session" not in response.headers.get("set-cookie", "")
    assert user_count(session) == 0


def test_register_error_with_htmx_returns_only_the_form(client: TestClient) -> None:
    response = client.post(
        "/register", data={**GOOD, "password": "short"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("form#register-form") is not None and soup.select_one("header") is None
    assert soup.select_one("#f-username")["value"] == GOOD["username"]


def test_username_is_unique_case_insensitively(client: TestClient, users: Users) -> None:
    users.create(username="taken.name")
    response = client.post("/register", data={**GOOD, "username": "Taken.Name"})
    assert response.status_code == 422 and "taken" in field_error(response.text, "username")


def test_long_unicode_password_works(client: TestClient) -> None:
    password = "Мая мова — мой пароль, і гэта добра! 🌻" * 10
    assert (
        client.post(
            "/register", data={**GOOD, "password": password}, follow_redirects=False
        ).status_code
        == 303
    )
    client.post("/logout")
    response = client.post(
        "/login", data={"username": GOOD["username"], "password": password}, follow_redirects=False
    )
    assert response.status_code == 303


def test_login_failure_is_generic(client: TestClient, users: Users) -> None:
    user = users.create()
    for username, password in ((user.username, "wrong password!"), ("nobody.here", PASSWORD)):
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 422
        assert "Wrong username or password" in response.text


def test_login_redirects_only_to_local_paths(client: TestClient, users: Users) -> None:
    user = users.create()
    for target, expected in (
        ("/profile", "/profile"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
    ):
        response = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


def test_each_login_gets_a_new_token(client: TestClient, users: Users, session: Session) -> None:
    user = users.login(client)
    first = client.cookies.get("__Host-session")
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.cookies.get("__Host-session") != first
    assert len(session.exec(select(UserSession)).all()) == 2


def test_logout_ends_the_session(client: TestClient, users: Users, session: Session) -> None:
    users.login(client)
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert session.exec(select(func.count()).select_from(UserSession)).one() == 0
    assert client.get("/profile", follow_redirects=False).status_code == 303


def test_deactivated_account_is_logged_out(client: TestClient, users: Users, db) -> None:  # type: ignore[no-untyped-def]
    user = users.login(client)
    with db.session(write=True) as write:
        write.get(User, user.id).is_active = False
    assert client.get("/profile", follow_redirects=False).status_code == 303


def test_change_password_ends_other_sessions(app, users: Users, session: Session) -> None:  # type: ignore[no-untyped-def]
    with (
        TestClient(app, base_url="https://testserver") as phone,
        TestClient(app, base_url="https://testserver") as laptop,
    ):
        user = users.login(phone)
        laptop.post("/login", data={"username": user.username, "password": PASSWORD})
        response = phone.post(
            "/account/password",
            data={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert phone.get("/account").status_code == 200
        assert laptop.get("/account", follow_redirects=False).status_code == 303
        assert "Password changed" in phone.get("/account?changed=1").text


def test_change_password_rejects_wrong_current(client: TestClient, users: Users) -> None:
    users.login(client)
    response = client.post(
        "/account/password", data={"current_password": "not it at all", "new_password": "short"}
    )
    assert response.status_code == 422
    assert "not your current password" in field_error(response.text, "current_password")
    assert "at least 12" in field_error(response.text, "new_password")


def test_sessions_are_listed_and_revocable(app, users: Users, session: Session) -> None:  # type: ignore[no-untyped-def]
    with (
        TestClient(app, base_url="https://testserver") as phone,
        TestClient(app, base_url="https://testserver") as laptop,
    ):
        user = users.login(phone, display_name="Phone user")
        laptop.post(
            "/login",
            data={"username": user.username, "password": PASSWORD},
            headers={"User-Agent": "Laptop"},
        )
        page = BeautifulSoup(phone.get("/account").text, "html.parser")
        rows = page.select("table tbody tr")
        assert len(rows) == 2
        laptop_id = session.exec(
            select(UserSession.id).where(UserSession.user_agent == "Laptop")
        ).one()
        assert (
            phone.post(f"/account/sessions/{laptop_id}/revoke", follow_redirects=False).status_code
            == 303
        )
        assert laptop.get("/profile", follow_redirects=False).status_code == 303


def test_cannot_revoke_someone_elses_session(app, users: Users, session: Session) -> None:  # type: ignore[no-untyped-def]
    with (
        TestClient(app, base_url="https://testserver") as mine,
        TestClient(app, base_url="https://testserver") as theirs,
    ):
        users.login(mine)
        other = users.login(theirs)
        their_id = session.exec(select(UserSession.id).where(UserSession.user_id == other.id)).one()
        assert mine.post(f"/account/sessions/{their_id}/revoke").status_code == 404
        assert theirs.get("/profile").status_code == 200


def test_sessions_expire_when_idle_and_absolutely(db, users: Users) -> None:  # type: ignore[no-untyped-def]
    policy = sessions.SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(days=2))
    user = users.create()
    with db.session(write=True) as write:
        token = sessions.start(write, user=write.get(User, user.id), user_agent="t", policy=policy)
    with db.session() as read:
        now = utcnow()
        assert sessions.lookup(read, token=token, policy=policy, now=now) is not None
        assert (
            sessions.lookup(read, token=token, policy=policy, now=now + timedelta(hours=2)) is None
        )
        assert sessions.lookup(read, token="forged", policy=policy, now=now) is None
        long_policy = sessions.SessionPolicy(idle=timedelta(days=30), absolute=timedelta(days=2))
        assert (
            sessions.lookup(read, token=token, policy=long_policy, now=now + timedelta(days=3))
            is None
        )


def test_gender_is_optional_and_can_be_withdrawn(client: TestClient, users: Users, db) -> None:  # type: ignore[no-untyped-def]
    user = users.login(client)
    page = BeautifulSoup(client.get("/account").text, "html.parser")
    assert page.select_one("input[name=gender][value=''][checked]") is not None  # default
    assert client.post("/account/about", data={"gender": "robot"}).status_code == 422
    assert (
        client.post("/account/about", data={"gender": "female"}, follow_redirects=False).status_code
        == 303
    )
    with db.session() as session:
        assert session.get(User, user.id).gender == "female"
    client.post("/account/about", data={"gender": ""})
    with db.session() as session:
        assert session.get(User, user.id).gender is None
