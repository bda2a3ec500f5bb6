"""The trainers' challenge form: a new challenge, changing one, deleting one not started."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.db import Database
from localleaders.models import User
from localleaders.services import challenge_views, challenges
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.web.access import CurrentUser, challenge_trainers, trainers
from localleaders.web.deps import DbDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists, first
from localleaders.web.routes.challenges import form_of, values_of
from localleaders.web.templating import Templates

router = APIRouter()


def _form(
    request: Request, db: Database, templates: Templates, user: User, *,
    challenge_id: int | None, values: dict[str, Any], errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    program = request.app.state.program
    with db.session() as session:
        challenge = None
        if challenge_id is not None:
            challenge = challenges.for_staff(session, user=user, challenge_id=challenge_id)
        fixed = challenge is not None and challenges.started(challenge, program)
        scopes = challenge_views.scope_choices(session, user=user)
    context = {"challenge": challenge, "fixed": fixed, "scopes": scopes, "values": values,
               "errors": errors or {}, "action_types": program.action_types}  # fmt: skip
    return templates.render(request, "pages/challenge_form.html", context, status_code=status_code)


@router.get("/challenges/new", response_class=HTMLResponse, dependencies=[trainers])
def new_challenge(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep, cohort_id: str = ""
) -> Response:
    values = {"cohort_id": cohort_id, "measure": "residents", "format": "individual",
              "learner_teams": True, "action_types": []}  # fmt: skip
    return _form(request, db, templates, user, challenge_id=None, values=values)


@router.post("/challenges", dependencies=[trainers])
def create_challenge(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, program: ProgramDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            challenge = challenges.create(session, actor=user, form=form_of(form), rules=program)
    except InvalidInput as exc:
        return _form(request, db, templates, user, challenge_id=None, values=values_of(form),
                     errors=exc.errors, status_code=422)  # fmt: skip
    return RedirectResponse(f"/challenges/{challenge.id}?created=1", status_code=303)


@router.get(
    "/challenges/{challenge_id}/edit", response_class=HTMLResponse,
    dependencies=[challenge_trainers],
)  # fmt: skip
def edit_challenge(
    request: Request, challenge_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    with db.session() as session:
        challenge = challenges.for_staff(session, user=user, challenge_id=challenge_id)
        values = challenge_views.form_values(challenge)
    return _form(request, db, templates, user, challenge_id=challenge_id, values=values)


@router.post("/challenges/{challenge_id}/edit", dependencies=[challenge_trainers])
def save_challenge(
    request: Request, challenge_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    program: ProgramDep, templates: TemplatesDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            challenge = challenges.for_staff(session, user=user, challenge_id=challenge_id)
            challenges.update_challenge(session, actor=user, challenge=challenge,
                                        form=form_of(form), rules=program)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else {"": exc.message}
        return _form(request, db, templates, user, challenge_id=challenge_id,
                     values=values_of(form), errors=errors,
                     status_code=422 if isinstance(exc, InvalidInput) else 409)  # fmt: skip
    return RedirectResponse(f"/challenges/{challenge_id}?saved=1", status_code=303)


@router.post("/challenges/{challenge_id}/delete", dependencies=[challenge_trainers])
def delete_challenge(
    challenge_id: int, user: CurrentUser, form: FormLists, db: DbDep, program: ProgramDep
) -> Response:
    with db.session(write=True) as session:
        challenge = challenges.for_staff(session, user=user, challenge_id=challenge_id)
        if first(form, "confirm") != "yes":
            return RedirectResponse(f"/challenges/{challenge_id}/edit", status_code=303)
        challenges.delete(session, actor=user, challenge=challenge, rules=program)
    return RedirectResponse("/challenges?deleted=1", status_code=303)
