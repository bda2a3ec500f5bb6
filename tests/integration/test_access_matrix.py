"""Every route under every role, generated from the app's route table.

A new route fails here until it has an access rule (create_app refuses it anyway) and a
sample path below, so nobody can add a page without saying who may use it.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from localleaders.models import Role
from localleaders.settings import Settings
from localleaders.web.access import rule_of
from localleaders.web.app import api_routes, create_app
from tests.conftest import COURSE, PLAIN_LESSON, Users

SAMPLE_PATHS = {
    "/courses/{slug}": f"/courses/{COURSE}",
    "/courses/{course}/{slug}": f"/courses/{COURSE}/{PLAIN_LESSON}",
    "/courses/{course}/{slug}/complete": f"/courses/{COURSE}/{PLAIN_LESSON}/complete",
    "/courses/{course}/{slug}/quiz": f"/courses/{COURSE}/{PLAIN_LESSON}/quiz",
    "/account/sessions/{session_id}/revoke": "/account/sessions/999999/revoke",
}
VIEWERS = [None, Role.learner, Role.trainer, Role.admin]


def routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = []
    for route in api_routes(app.routes):
        for method in sorted(route.methods):
            found.append((method, route.path, route))
    assert len(found) >= 10
    return found


def allowed(route: APIRoute, viewer: Role | None) -> bool:
    rule = rule_of(route)
    assert rule is not None, f"{route.path} has no access rule"
    return rule.roles is None or (viewer is not None and viewer in rule.roles)


def test_every_route_is_covered(app: FastAPI) -> None:
    for _method, path, _route in routes(app):
        assert "{" not in path or path in SAMPLE_PATHS, f"add a sample path for {path}"


def test_access_matrix(app: FastAPI, users: Users) -> None:
    checked = 0
    for viewer in VIEWERS:
        with TestClient(app, base_url="https://testserver") as client:
            if viewer is not None:
                users.login(client, viewer)
            for method, path, route in routes(app):
                if path in ("/logout", "/language"):
                    continue  # would end or change the session mid-matrix; covered elsewhere
                url = SAMPLE_PATHS.get(path, path)
                response = client.request(method, url, follow_redirects=False)
                denied = response.status_code in (401, 403) or (
                    response.status_code == 303
                    and response.headers["location"].startswith("/login")
                )
                assert denied is not allowed(route, viewer), (
                    method,
                    path,
                    viewer,
                    response.status_code,
                )
                checked += 1
    assert checked >= 4 * 10


def test_logout_and_language_rules(client: TestClient, users: Users) -> None:
    assert client.post("/logout", follow_redirects=False).status_code == 401
    assert (
        client.post("/language", data={"locale": "ru"}, follow_redirects=False).status_code == 303
    )
    users.login(client)
    assert client.post("/logout", follow_redirects=False).status_code == 303


def test_app_refuses_a_route_without_a_rule(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fastapi import APIRouter

    from localleaders.web.routes import profile

    stray = APIRouter()
    stray.add_api_route("/stray", lambda: "x", methods=["GET"])
    monkeypatch.setattr(profile, "router", stray)
    try:
        create_app(settings)
    except RuntimeError as exc:
        assert "/stray" in str(exc)
    else:
        raise AssertionError("create_app accepted a route without an access rule")
