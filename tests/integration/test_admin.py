"""Program administration through the HTTP app: users, password resets, publishing course
files and the audit log, with the rules that keep an admin from locking everyone out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from localleaders.cli import app as cli
from localleaders.db import Database
from localleaders.models import AuditEntry, Course, Role, User, UserSession
from localleaders.models.base import utcnow
from localleaders.services import admin_users, audit
from localleaders.services.errors import InvalidInput
from localleaders.settings import Settings
from localleaders.web.app import create_app
from tests.conftest import COURSE, PASSWORD, PLAIN_LESSON, Users

NEW_PASSWORD = "a brand new passphrase"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def entries(session: Session, action: str) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


def stored(session: Session, user: User) -> User:
    return session.exec(select(User).where(User.id == user.id)).one()


@pytest.fixture
def admin(client: TestClient, users: Users) -> User:
    return users.login(client, Role.admin, display_name="Programme Staff")


# --- users --------------------------------------------------------------------------


def test_user_list_shows_what_admins_need_and_no_secrets(
    client: TestClient, users: Users, admin: User
) -> None:
    learner = users.create(Role.learner, display_name="Maple", email="maple@example.org")
    response = client.get("/admin/users")
    assert response.status_code == 200
    row = soup(response.text).select_one(f"#user-{learner.id}")
    assert row is not None
    assert row.select_one(".user-row__name").get_text(strip=True) == "Maple"
    assert row.select_one(".user-row__username").get_text(strip=True) == f"@{learner.username}"
    assert row.select_one(".user-row__email").get_text(strip=True) == "Yes"
    assert "maple@example.org" not in response.text
    assert "$argon2" not in response.text and "token" not in response.text.lower()
    own = soup(response.text).select_one(f"#user-{admin.id}")
    assert own is not None and not own.select("form")  # no buttons to lock oneself out


def test_search_is_case_insensitive_and_paginated(
    client: TestClient, users: Users, admin: User
) -> None:
    users.create(display_name="Маша Лесная", username="masha")
    for number in range(55):
        users.create(username=f"walker{number:02d}", display_name=f"Street Walker {number}")
    found = soup(client.get("/admin/users", params={"q": "WALKER"}).text)
    assert len(found.select("tr.user-row")) == 50
    assert found.select_one("a[rel=next]")["href"] == "/admin/users?q=WALKER&page=2"
    second = soup(client.get("/admin/users", params={"q": "walker", "page": 2}).text)
    assert len(second.select("tr.user-row")) == 5 and second.select_one("a[rel=prev]")
    for query in ("маша", "ЛЕСНАЯ", "Masha"):
        names = soup(client.get("/admin/users", params={"q": query}).text).select(".user-row__name")
        assert [n.get_text(strip=True) for n in names] == ["Маша Лесная"], query
    nothing = soup(client.get("/admin/users", params={"q": "100%_"}).text)
    assert not nothing.select("tr.user-row")
    assert client.get("/admin/users", params={"page": "x"}).status_code == 200


def test_role_change_returns_to_the_same_list_and_is_audited(
    client: TestClient, users: Users, admin: User, session: Session
) -> None:
    learner = users.create()
    response = client.post(f"/admin/users/{learner.id}/role",
                           data={"role": "trainer", "q": "user", "page": "1"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/users?q=user&page=1&done=role#user-{learner.id}"
    assert stored(session, learner).role == "trainer"
    [entry] = entries(session, "user.role")
    assert entry.actor_id == admin.id and entry.target_type == "user"
    assert entry.target_id == learner.id
    assert entry.details == {"username": learner.username, "old": "learner", "new": "trainer"}
    page = soup(client.get(response.headers["location"]).text)
    assert page.select_one(".alert--success") is not None


def test_htmx_role_change_gets_the_list_block(
    client: TestClient, users: Users, admin: User
) -> None:
    learner = users.create()
    response = client.post(f"/admin/users/{learner.id}/role", data={"role": "admin"},
                           headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 200 and "<html" not in response.text
    block = soup(response.text)
    assert block.select_one("#admin-users .alert--success") is not None
    assert (
        block.select_one(f"#user-{learner.id} .user-row__role").get_text(strip=True)
        == "Administrator"
    )


@pytest.mark.parametrize("role", ["", "superuser", "ADMIN"])
def test_bad_role_is_refused_and_changes_nothing(
    client: TestClient, users: Users, admin: User, session: Session, role: str
) -> None:
    learner = users.create()
    response = client.post(f"/admin/users/{learner.id}/role", data={"role": role})
    assert response.status_code == 422
    assert soup(response.text).select_one(".alert--error") is not None
    assert stored(session, learner).role == "learner"
    assert entries(session, "user.role") == []


def test_an_admin_cannot_demote_or_deactivate_themselves(
    client: TestClient, users: Users, admin: User, session: Session
) -> None:
    users.create(Role.admin)  # another admin exists: the refusal is about oneself
    demote = client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"})
    assert demote.status_code == 422
    assert "your own admin role" in soup(demote.text).select_one(".alert--error").get_text()
    deactivate = client.post(f"/admin/users/{admin.id}/deactivate")
    assert deactivate.status_code == 422
    assert "your own account" in soup(deactivate.text).select_one(".alert--error").get_text()
    reset = client.post(f"/admin/users/{admin.id}/reset-password")
    assert reset.status_code == 422
    me = stored(session, admin)
    assert me.role == "admin" and me.is_active and not me.must_change_password
    assert session.exec(select(AuditEntry)).all() == []


def test_one_active_admin_always_remains(db: Database, users: Users, session: Session) -> None:
    """Through the web an admin always acts on someone else; the rule also holds when the
    acting admin was deactivated a moment ago (for example by another admin)."""
    acting, last = users.create(Role.admin), users.create(Role.admin)
    with db.session(write=True) as write:
        admin_users.change_role(write, actor=last, user_id=acting.id or 0, role="trainer")
    for change in (
        lambda s: admin_users.change_role(s, actor=acting, user_id=last.id or 0, role="learner"),
        lambda s: admin_users.deactivate(s, actor=acting, user_id=last.id or 0),
    ):
        with pytest.raises(InvalidInput) as refused, db.session(write=True) as write:
            change(write)
        assert refused.value.errors[""].msgid.startswith("There must always be")
    assert stored(session, last).role == "admin" and stored(session, last).is_active


def test_deactivating_ends_sessions_and_login_until_activated(
    app, client: TestClient, users: Users, admin: User, session: Session
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as other:
        learner = users.login(other)
        response = client.post(f"/admin/users/{learner.id}/deactivate", follow_redirects=False)
        assert response.status_code == 303
        assert other.get("/profile", follow_redirects=False).status_code == 303
        again = other.post("/login", data={"username": learner.username, "password": PASSWORD})
        assert again.status_code == 422
        sessions_left = select(UserSession).where(UserSession.user_id == learner.id)
        assert session.exec(sessions_left).all() == []
        [entry] = entries(session, "user.deactivate")
        assert entry.details["sessions_ended"] == 1
        assert client.post(f"/admin/users/{learner.id}/activate").status_code == 200
        assert stored(session, learner).is_active and entries(session, "user.activate")
        back = other.post("/login", data={"username": learner.username, "password": PASSWORD},
                          follow_redirects=False)  # fmt: skip
        assert back.status_code == 303


def _reset(client: TestClient, user: User, **headers: str) -> str:
    response = client.post(f"/admin/users/{user.id}/reset-password",
                           data={"q": "", "page": "1"}, headers=headers)  # fmt: skip
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    value = soup(response.text).select_one(".temp-password__value")
    assert value is not None
    return value.get_text(strip=True)


def test_password_reset_journey(
    app, client: TestClient, users: Users, admin: User, session: Session
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as learner_client:
        learner = users.login(learner_client)
        before = stored(session, learner).password_hash
        temporary = _reset(client, learner)
        assert len(temporary) == 19 and temporary.count("-") == 3
        row = stored(session, learner)
        assert row.must_change_password and row.password_hash != before
        assert temporary not in row.password_hash
        [entry] = entries(session, "user.reset_password")
        assert temporary not in str(entry.details) and entry.details["sessions_ended"] == 1
        # The old session is gone; the old password no longer works; the temporary one does.
        assert learner_client.get("/profile", follow_redirects=False).status_code == 303
        old = learner_client.post("/login", data={"username": learner.username,
                                                   "password": PASSWORD})  # fmt: skip
        assert old.status_code == 422
        login = learner_client.post("/login", data={"username": learner.username,
                                                     "password": temporary},
                                    follow_redirects=False)  # fmt: skip
        assert login.status_code == 303
        _must_change(learner_client, temporary)
        assert not stored(session, learner).must_change_password
        assert learner_client.get("/profile").status_code == 200
        assert learner_client.get("/courses").status_code == 200
        learner_client.cookies.clear()
        reused = learner_client.post("/login", data={"username": learner.username,
                                                      "password": temporary})  # fmt: skip
        assert reused.status_code == 422
    assert soup(client.get("/admin/users").text).select_one(".temp-password") is None


def _must_change(client: TestClient, temporary: str) -> None:
    """Every page sends the person to choose a password, except the few that must work."""
    for path in ("/", "/profile", "/courses", "/admin/users", "/cohorts"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/account", path
    htmx = client.get("/courses", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/account"
    posted = client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete", follow_redirects=False)
    assert posted.headers["location"] == "/account"
    assert client.get("/static/css/app.css").status_code == 200
    language = client.post("/language", data={"locale": "ru", "next": "/account"},
                           follow_redirects=False)  # fmt: skip
    assert language.status_code == 303
    account = client.get("/account")
    assert account.status_code == 200 and account.headers["content-language"] == "ru"
    assert soup(account.text).select_one("#must-change") is not None
    client.post("/language", data={"locale": "en", "next": "/account"})
    same = client.post("/account/password",
                       data={"current_password": temporary, "new_password": temporary})  # fmt: skip
    assert same.status_code == 422
    changed = client.post("/account/password", data={"current_password": temporary,
                                                      "new_password": NEW_PASSWORD},
                          follow_redirects=False)  # fmt: skip
    assert changed.status_code == 303 and changed.headers["location"] == "/account?changed=1"


def test_htmx_reset_gets_a_fragment_with_the_password(
    client: TestClient, users: Users, admin: User
) -> None:
    learner = users.create()
    response = client.post(f"/admin/users/{learner.id}/reset-password",
                           headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 200 and "<html" not in response.text
    assert soup(response.text).select_one("#admin-users .temp-password__value") is not None


def test_user_actions_on_unknown_accounts_are_404(client: TestClient, admin: User) -> None:
    for action in ("role", "deactivate", "activate", "reset-password"):
        response = client.post(f"/admin/users/999999/{action}", data={"role": "trainer"})
        assert response.status_code == 404, action


def test_admin_pages_are_for_admins_only(client: TestClient, users: Users) -> None:
    users.login(client, Role.trainer)
    for path in ("/admin", "/admin/users", "/admin/courses", "/admin/audit"):
        assert client.get(path).status_code == 403, path


def test_overview_counts(client: TestClient, users: Users, admin: User) -> None:
    users.create(Role.trainer)
    users.create(Role.learner)
    users.create(Role.learner, is_active=False)
    page = soup(client.get("/admin").text)
    values = [node.get_text(strip=True) for node in page.select(".stat__value")]
    assert values == ["1", "1", "1", "0"]
    assert page.select_one(".admin-nav a[aria-current=page]")["href"] == "/admin"


# --- audit log ---------------------------------------------------------------------


def _add_entries(db: Database, actor: User, count: int, action: str, **fields) -> None:  # type: ignore[no-untyped-def]
    with db.session(write=True) as write:
        for number in range(count):
            write.add(AuditEntry(actor_id=actor.id, actor_name=actor.display_name,
                                 action=action, target_type="cohort", target_id=number + 1,
                                 **fields))  # fmt: skip


def test_audit_log_reads_well_filters_and_pages(
    client: TestClient, db: Database, users: Users, admin: User
) -> None:
    learner = users.create()
    client.post(f"/admin/users/{learner.id}/role", data={"role": "trainer"})
    _add_entries(db, admin, 55, "cohort.close")
    _add_entries(db, admin, 1, "mystery.thing", details={"note": "x" * 200})
    page = soup(client.get("/admin/audit").text)
    rows = page.select("tr.audit-entry")
    assert len(rows) == 50
    newest = rows[0]
    assert newest.select_one(".audit-entry__what").get_text(strip=True) == "mystery.thing"
    assert len(newest.select_one(".audit-entry__details").get_text(strip=True)) <= 65
    role = soup(client.get("/admin/audit", params={"action": "user.role"}).text)
    [row] = role.select("tr.audit-entry")
    assert row.select_one(".audit-entry__what").get_text(strip=True) == "Role changed"
    assert row.select_one(".audit-entry__actor").get_text(strip=True) == "Programme Staff"
    link = row.select_one(".audit-entry__target a")
    assert link["href"] == f"/admin/users?q={learner.username}"
    assert "old=learner" in row.select_one(".audit-entry__details").get_text()
    options = [o["value"] for o in role.select("#f-action option")]
    assert options == ["", "cohort.close", "mystery.thing", "user.role"]
    second = soup(client.get("/admin/audit", params={"page": 2}).text)
    assert len(second.select("tr.audit-entry")) == 7
    assert second.select_one("a[rel=prev]")["href"] == "/admin/audit?action=&page=1"


def test_audit_purge_keeps_the_retention_period(
    db: Database, database_url: str, users: Users, session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    actor = users.create(Role.admin)
    _add_entries(db, actor, 2, "cohort.close", created_at=utcnow() - timedelta(days=800))
    _add_entries(db, actor, 1, "cohort.close", created_at=utcnow() - timedelta(days=100))
    _add_entries(db, actor, 1, "cohort.close")
    monkeypatch.setenv("LOCALLEADERS_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["audit", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 audit log entries older than 730 days." in result.output
    assert len(session.exec(select(AuditEntry)).all()) == 2
    shorter = CliRunner().invoke(cli, ["audit", "purge", "--days", "30"])
    assert shorter.exit_code == 0 and "Removed 1 audit log entry" in shorter.output
    assert CliRunner().invoke(cli, ["audit", "purge", "--days", "3"]).exit_code != 0
    with db.session(write=True) as write:
        assert audit.purge(write, keep_days=30) == 0


# --- courses ------------------------------------------------------------------------


@pytest.fixture
def files_client(
    settings: Settings, db: Database, courses_copy: Path, users: Users
) -> Iterator[TestClient]:
    """An app reading a writable copy of the courses, with an admin logged in."""
    app = create_app(settings.model_copy(update={"courses_dir": courses_copy}), db=db)
    with TestClient(app, base_url="https://testserver") as client:
        users.login(client, Role.admin)
        yield client


def live(session: Session) -> dict[str, tuple[str, str]]:
    return {c.slug: (c.content_hash, c.title) for c in session.exec(select(Course))}


def test_courses_page_shows_the_live_version(client: TestClient, admin: User) -> None:
    page = soup(client.get("/admin/courses").text)
    row = page.select_one(f"#course-{COURSE}")
    assert row is not None
    assert row.select_one(".course-row__state").get_text(strip=True) == "Live"
    assert len(row.select_one(".course-row__hash").get_text(strip=True)) == 12
    assert page.select_one(".course-problems") is None
    assert page.select_one("form[action='/admin/courses/publish']") is not None


@pytest.mark.catalog
def test_publish_with_a_broken_file_changes_nothing(
    files_client: TestClient, courses_copy: Path, session: Session
) -> None:
    before = live(session)
    lesson = courses_copy / COURSE / "listen-first" / "map-your-street.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8").replace("minutes: ", "minutes: x", 1), encoding="utf-8"
    )
    shown = soup(files_client.get("/admin/courses").text)
    [problem] = shown.select(".course-problems tbody tr")
    cells = [cell.get_text(strip=True) for cell in problem.select("td")]
    assert cells[0] == f"{COURSE}/listen-first/map-your-street.md"
    assert cells[1].isdigit() and cells[2] == "minutes"
    state = shown.select_one(f"#course-{COURSE} .course-row__state").get_text(strip=True)
    assert state == "Files changed"
    response = files_client.post("/admin/courses/publish")
    assert response.status_code == 422
    assert soup(response.text).select(".course-problems tbody tr")
    assert live(session) == before
    assert entries(session, "courses.publish") == []


@pytest.mark.catalog
def test_publish_valid_files_makes_them_live(
    files_client: TestClient, courses_copy: Path, session: Session
) -> None:
    before = live(session)
    path = courses_copy / COURSE / "money-and-staying-power" / f"{PLAIN_LESSON}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: ", "title: Updated - ", 1),
        encoding="utf-8",
    )
    response = files_client.post("/admin/courses/publish")
    assert response.status_code == 200
    changes = [li.get_text(" ", strip=True) for li in soup(response.text).select(
        ".publish-result__changes li")]  # fmt: skip
    assert f"Updated : lesson {COURSE}/{PLAIN_LESSON}" in changes
    after = live(session)
    assert after[COURSE][0] != before[COURSE][0]
    assert {slug: value for slug, value in after.items() if slug != COURSE} == {
        slug: value for slug, value in before.items() if slug != COURSE
    }
    [entry] = entries(session, "courses.publish")
    assert entry.details["updated"] == 2 and entry.details["created"] == 0
    page = soup(files_client.get("/admin/courses").text)
    assert page.select_one(f"#course-{COURSE} .course-row__state").get_text(strip=True) == "Live"
    again = soup(files_client.post("/admin/courses/publish").text)
    assert not again.select(".publish-result__changes li")
