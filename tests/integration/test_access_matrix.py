"""Every route under every role, generated from the app's route table.

A new route fails here until it has an access rule (create_app refuses it anyway) and a
sample path below, so nobody can add a page without saying who may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.models import Role, User
from localleaders.services import actions, challenge_teams, challenges, cohorts, sessions
from localleaders.settings import Settings
from localleaders.web.access import rule_of
from localleaders.web.app import api_routes, create_app
from localleaders.web.viewer import SESSION_COOKIE, session_policy
from tests.conftest import COURSE, PLAIN_LESSON, Users

PARAMS = {
    "slug": PLAIN_LESSON,
    "course": COURSE,
    "session_id": "999999",
    "photo_id": "999999",
    "award_id": "999999",
    "assertion_id": "0" * 32,
    "key": "first-step",
    "tier": "standard",
}
"""Sample values for path parameters; ``cohort_id``, ``code`` (its join code), ``user_id``
(a learner of that cohort), ``action_id`` (that learner's submitted action),
``challenge_id`` (the cohort's team challenge, not started) and ``team_id`` (a team in it)
come from the world each viewer gets. Use these names in new routes."""
WORLD_PARAMS = {"cohort_id", "user_id", "code", "action_id", "challenge_id", "team_id"}

SAMPLE_PATHS = {
    "/courses/{slug}": f"/courses/{COURSE}",
}
VIEWERS = ["anonymous", "learner", "other_trainer", "trainer", "admin"]
ROLE_OF = {
    "anonymous": None,
    "learner": Role.learner,
    "other_trainer": Role.trainer,
    "trainer": Role.trainer,
    "admin": Role.admin,
}


@dataclass
class World:
    """A cohort with its trainer and a learner, and a second cohort with another trainer."""

    cohort_id: int
    code: str
    action_id: int
    challenge_id: int
    team_id: int
    learner: User
    trainer: User
    other_trainer: User
    admin: User


def make_world(db: Database, users: Users, program: ProgramSpec) -> World:
    trainer = users.create(Role.trainer)
    other_trainer = users.create(Role.trainer)
    learner = users.create(Role.learner)
    admin = users.create(Role.admin)
    with db.session(write=True) as session:
        form = cohorts.CohortForm(name="Spring", course_slugs=[COURSE], starts_on="2026-03-01")
        cohort = cohorts.create(session, actor=trainer, form=form)
        cohorts.create(session, actor=other_trainer, form=form)
        cohorts.join(session, user=learner, code=cohort.join_code)
        assert cohort.id is not None
        done = actions.ActionForm(type=program.action_types[0].key, title="Lamps meeting",
                                  happened_on="2026-03-02")  # fmt: skip
        action = actions.create(session, user=learner, form=done, program=program, submit=True)
        assert action.id is not None
        soon = date.today() + timedelta(days=3)
        contest = challenges.ChallengeForm(cohort_id=str(cohort.id), titles={"en": "Clean-up"},
                                           starts_on=str(soon), ends_on=str(soon), measure="actions",
                                           format="teams")  # fmt: skip
        challenge = challenges.create(session, actor=trainer, form=contest, rules=program)
        team = challenge_teams.create_team(session, user=trainer, challenge=challenge,
                                           name="Yard", rules=program)  # fmt: skip
        assert challenge.id is not None and team.id is not None
    return World(cohort.id, cohort.join_code, action.id, challenge.id, team.id, learner, trainer,
                 other_trainer, admin)  # fmt: skip


def url_for(path: str, world: World) -> str:
    if path in SAMPLE_PATHS:
        return SAMPLE_PATHS[path]
    values = {**PARAMS, "cohort_id": str(world.cohort_id), "user_id": str(world.learner.id),
              "code": world.code, "action_id": str(world.action_id),
              "challenge_id": str(world.challenge_id), "team_id": str(world.team_id)}  # fmt: skip
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], path)


def routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = []
    for route in api_routes(app.routes):
        for method in sorted(route.methods):
            found.append((method, route.path, route))
    assert len(found) >= 10
    return found


def expected(route: APIRoute, viewer: str) -> str:
    """ "ok", "login" (anonymous sent to log in), "denied" (403) or "hidden" (404)."""
    rule = rule_of(route)
    assert rule is not None, f"{route.path} has no access rule"
    role = ROLE_OF[viewer]
    if rule.roles is None:
        return "ok"
    if role is None:
        return "login"
    if role not in rule.roles:
        return "denied"
    if rule.scope is not None and viewer == "other_trainer":
        return "hidden"
    return "ok"


def outcome(response: Response) -> str:
    if response.status_code == 401 or (
        response.status_code == 303 and response.headers["location"].startswith("/login")
    ):
        return "login"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "hidden"
    return "ok"


def test_every_route_is_covered(app: FastAPI) -> None:
    for _method, path, _route in routes(app):
        names = set(re.findall(r"\{(\w+)\}", path)) - WORLD_PARAMS
        assert path in SAMPLE_PATHS or names <= PARAMS.keys(), f"add a sample value for {path}"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_access_matrix(app: FastAPI, db: Database, users: Users, viewer: str) -> None:
    checked = 0
    with TestClient(app, base_url="https://testserver") as client:
        world = enter(client, make_world(db, users, app.state.program), viewer)
        for method, path, route in routes(app):
            if path in ("/logout", "/language"):
                continue  # would end or change the session mid-matrix; covered elsewhere
            response = client.request(method, url_for(path, world), follow_redirects=False)
            want, got = expected(route, viewer), outcome(response)
            where = (method, path, viewer, response.status_code)
            if want == "ok":
                assert got not in ("login", "denied"), where
                if rule_of(route).scope is not None:  # type: ignore[union-attr]
                    assert got != "hidden", where
            else:
                assert got == want, where
            checked += 1
            if method != "GET":  # a POST may have changed the world: start afresh
                world = enter(client, make_world(db, users, app.state.program), viewer)
    assert checked >= 10


def enter(client: TestClient, world: World, viewer: str) -> World:
    client.cookies.clear()
    if viewer != "anonymous":
        sign_in(client, getattr(world, viewer))
    return world


def sign_in(client: TestClient, user: User) -> None:
    """Starts a session as the login route does, without paying for a password hash each
    time (logging in itself is tested in test_accounts)."""
    app = client.app
    with app.state.db.session(write=True) as session:  # type: ignore[attr-defined]
        token = sessions.start(session, user=session.merge(user), user_agent="matrix",
                               policy=session_policy(app.state.settings))  # type: ignore[attr-defined]  # fmt: skip
    client.cookies.set(SESSION_COOKIE, token, domain="testserver.local")


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
