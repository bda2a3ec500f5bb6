"""Community challenges: the list, a challenge's page (its live part polled by htmx), teams,
and the trainers' form, closing and hiding."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.i18n import LOCALES
from localleaders.models import User
from localleaders.services import challenge_teams, challenge_views, challenges
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.web.access import (
    CurrentUser,
    challenge_members,
    challenge_trainers,
    signed_in,
)
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, SettingsDep, TemplatesDep
from localleaders.web.forms import FormLists, first
from localleaders.web.templating import Templates, is_htmx

router = APIRouter()


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _close_due(db: Database, program: ProgramSpec) -> None:
    """Challenges close by themselves when someone looks (and by `localleaders challenges
    close-due` from a timer): a read first, a write only when one is due."""
    with db.session() as session:
        due = challenges.due(session, rules=program)
    if due:
        with db.session(write=True) as session:
            challenges.close_due(session, rules=program)


@router.get("/challenges", response_class=HTMLResponse, dependencies=[signed_in])
def list_challenges(
    request: Request, user: CurrentUser, db: DbDep, program: ProgramDep, templates: TemplatesDep,
    locale: LocaleDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    _close_due(db, program)
    with db.session() as session:
        found = challenge_views.cards(session, user=user, rules=program, locale=locale,
                                      default=settings.default_locale)  # fmt: skip
        may_create = bool(challenge_views.scope_choices(session, user=user))
    context = {"cards": found, "may_create": may_create or user.role == "admin"}
    return templates.render(request, "pages/challenges.html", context)


def _page(
    request: Request, db: Database, templates: Templates, user: User, challenge_id: int, *,
    errors: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    program, settings = request.app.state.program, request.app.state.settings
    with db.session() as session:
        challenge = challenges.for_member(session, user=user, challenge_id=challenge_id)
        view = challenge_views.page(session, user=user, challenge=challenge, rules=program,
                                    locale=request.state.locale, default=settings.default_locale)  # fmt: skip
    context = {"view": view, "errors": errors or {}, "values": values or {},
               "notice": next((k for k in NOTICES if k in request.query_params), "")}  # fmt: skip
    live = "live" if is_htmx(request) and request.method == "GET" else None
    return templates.render(request, "pages/challenge.html", context, block=live,
                            status_code=status_code)  # fmt: skip


NOTICES = ("created", "saved", "joined", "left", "team", "added", "closed", "shown", "hidden")


@router.get(
    "/challenges/{challenge_id}", response_class=HTMLResponse, dependencies=[challenge_members]
)
def show_challenge(
    request: Request, challenge_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    _close_due(db, program)
    return _page(request, db, templates, user, challenge_id)


def _change(
    request: Request, db: Database, templates: Templates, user: User, challenge_id: int,
    change: Any, notice: str, *, staff: bool = False, values: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    """Runs one change on a challenge; bad input or a refused change shows the page again
    with the reason (422, 409), and nothing changes."""
    try:
        with db.session(write=True) as session:
            find = challenges.for_staff if staff else challenges.for_member
            change(session, find(session, user=user, challenge_id=challenge_id))
    except InvalidInput as exc:
        return _page(request, db, templates, user, challenge_id, errors=exc.errors,
                     values=values, status_code=422)  # fmt: skip
    except Conflict as exc:
        return _page(request, db, templates, user, challenge_id, errors={"": exc.message},
                     status_code=409)  # fmt: skip
    return _see_other(f"/challenges/{challenge_id}?{notice}=1#{notice}")


@router.post("/challenges/{challenge_id}/teams", dependencies=[challenge_members])
def create_team(
    request: Request, challenge_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    program: ProgramDep, templates: TemplatesDep,
) -> Response:  # fmt: skip
    name = first(form, "name")

    def change(session: Any, challenge: Any) -> None:
        challenge_teams.create_team(session, user=user, challenge=challenge, name=name,
                                    rules=program)  # fmt: skip

    return _change(request, db, templates, user, challenge_id, change, "team",
                   values={"name": name})  # fmt: skip


@router.post("/challenges/{challenge_id}/teams/{team_id}/join", dependencies=[challenge_members])
def join_team(
    request: Request, challenge_id: int, team_id: int, user: CurrentUser, db: DbDep,
    program: ProgramDep, templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, challenge: Any) -> None:
        challenge_teams.join_team(session, user=user, challenge=challenge, team_id=team_id,
                                  rules=program)  # fmt: skip

    return _change(request, db, templates, user, challenge_id, change, "joined")


@router.post("/challenges/{challenge_id}/leave", dependencies=[challenge_members])
def leave_team(
    request: Request, challenge_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, challenge: Any) -> None:
        challenge_teams.leave_team(session, user=user, challenge=challenge, rules=program)

    return _change(request, db, templates, user, challenge_id, change, "left")


@router.get(
    "/challenges/{challenge_id}/teams/{team_id}", response_class=HTMLResponse,
    dependencies=[challenge_members],
)  # fmt: skip
def show_team(
    request: Request, challenge_id: int, team_id: int, user: CurrentUser, db: DbDep,
    program: ProgramDep, templates: TemplatesDep, locale: LocaleDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    with db.session() as session:
        challenge = challenges.for_member(session, user=user, challenge_id=challenge_id)
        view = challenge_views.team_page(session, user=user, challenge=challenge, team_id=team_id,
                                         rules=program, locale=locale,
                                         default=settings.default_locale)  # fmt: skip
    return templates.render(request, "pages/challenge_team.html", {"view": view})


# --- trainers -------------------------------------------------------------------------


@router.post("/challenges/{challenge_id}/members", dependencies=[challenge_trainers])
def add_team_member(
    request: Request, challenge_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    username, team = first(form, "username"), first(form, "team")

    def change(session: Any, challenge: Any) -> None:
        challenge_teams.add_member(session, actor=user, challenge=challenge, team_id=team,
                                   username=username)  # fmt: skip

    return _change(request, db, templates, user, challenge_id, change, "added", staff=True,
                   values={"username": username, "team": team})  # fmt: skip


@router.post("/challenges/{challenge_id}/teams/{team_id}/delete", dependencies=[challenge_trainers])
def delete_team(
    request: Request, challenge_id: int, team_id: int, user: CurrentUser, db: DbDep,
    program: ProgramDep, templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, challenge: Any) -> None:
        challenge_teams.delete_team(session, actor=user, challenge=challenge, team_id=team_id,
                                    rules=program)  # fmt: skip

    return _change(request, db, templates, user, challenge_id, change, "team", staff=True)


@router.post("/challenges/{challenge_id}/close", dependencies=[challenge_trainers])
def close_challenge(
    request: Request, challenge_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, challenge: Any) -> None:
        challenges.close(session, challenge=challenge, rules=program, actor=user)

    return _change(request, db, templates, user, challenge_id, change, "closed", staff=True)


@router.post("/challenges/{challenge_id}/visibility", dependencies=[challenge_trainers])
def set_challenge_visibility(
    request: Request, challenge_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    hidden = first(form, "hidden") == "1"

    def change(session: Any, challenge: Any) -> None:
        challenges.set_hidden(session, actor=user, challenge=challenge, hidden=hidden)

    return _change(request, db, templates, user, challenge_id, change,
                   "hidden" if hidden else "shown", staff=True)  # fmt: skip


def form_of(form: dict[str, list[str]]) -> challenges.ChallengeForm:
    return challenges.ChallengeForm(
        cohort_id=first(form, "cohort_id"),
        titles={lang: first(form, f"title_{lang}") for lang in LOCALES},
        descriptions={lang: first(form, f"description_{lang}") for lang in LOCALES},
        starts_on=first(form, "starts_on"), ends_on=first(form, "ends_on"),
        measure=first(form, "measure"), action_types=form.get("action_types", []),
        format=first(form, "format"), goal=first(form, "goal"),
        learner_teams=first(form, "learner_teams") == "1",
    )  # fmt: skip


def values_of(form: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {key: first(form, key) for key in form}
    values["action_types"] = form.get("action_types", [])
    values["learner_teams"] = first(form, "learner_teams") == "1"
    return values
