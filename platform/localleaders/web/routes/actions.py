"""Community actions: learners log and edit them; trainers of their cohort review them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.gamification import guard
from localleaders.models import CommunityAction, User
from localleaders.services import action_views, actions, photos
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.web.access import CurrentUser, cohort_trainers, signed_in, trainers
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, SettingsDep, TemplatesDep
from localleaders.web.errors import log_blocked
from localleaders.web.forms import FormLists, first
from localleaders.web.templating import Templates

router = APIRouter()
FORM_FIELDS = ("type", "title", "happened_on", "description", "outcome", "residents_mobilised",
               "participants", "volunteer_hours", "organisations", "place", "links",
               "visibility", "lesson", "cohort_id")  # fmt: skip


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _form(form: dict[str, list[str]]) -> actions.ActionForm:
    values = {name: first(form, name) for name in FORM_FIELDS}
    for name in ("residents_mobilised", "participants", "volunteer_hours"):
        values[name] = values[name] or "0"
    values["visibility"] = values["visibility"] or "cohort"
    return actions.ActionForm(**values)


def _render_form(
    request: Request, db: Database, templates: Templates, user: User, *, action_id: int | None,
    values: dict[str, Any], errors: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    with db.session() as session:
        action = actions.owned(session, user=user, action_id=action_id) if action_id else None
        choices = action_views.form_choices(session, user=user, locale=request.state.locale)
        photos = action_views.photos(session, action) if action is not None else []
    context = {"action": action, "values": values, "errors": errors or {}, "choices": choices,
               "photos": photos, "can_edit": True}  # fmt: skip
    return templates.render(request, "pages/action_form.html", context, status_code=status_code)


@router.get("/actions", response_class=HTMLResponse, dependencies=[signed_in])
def my_actions(request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep) -> Response:
    with db.session() as session:
        items = actions.mine(session, user_id=user.id or 0)
    return templates.render(request, "pages/actions.html", {"items": items})


@router.get("/actions/new", response_class=HTMLResponse, dependencies=[signed_in])
def new_action(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep, lesson: str = "",
    type: str = "",
) -> Response:  # fmt: skip
    with db.session() as session:
        values = action_views.initial_values(session, lesson=lesson, type=type)
    return _render_form(request, db, templates, user, action_id=None, values=values)


@router.post("/actions", dependencies=[signed_in])
def create_action(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, templates: TemplatesDep,
    program: ProgramDep,
) -> Response:  # fmt: skip
    submit = first(form, "intent") == "submit"
    try:
        with db.session(write=True) as session:
            action = actions.create(session, user=user, form=_form(form), program=program,
                                    submit=submit)  # fmt: skip
    except InvalidInput as exc:
        values = {name: first(form, name) for name in FORM_FIELDS}
        return _render_form(request, db, templates, user, action_id=None, values=values,
                            errors=exc.errors, status_code=422)  # fmt: skip
    except guard.Blocked as exc:  # keep what the learner typed, with the reason on top
        headers = log_blocked(request, exc)
        values = {name: first(form, name) for name in FORM_FIELDS}
        response = _render_form(request, db, templates, user, action_id=None, values=values,
                                errors={"": exc.message}, status_code=429)  # fmt: skip
        response.headers.update(headers)
        return response
    return _see_other(f"/actions/{action.id}?{'submitted' if submit else 'saved'}=1")


@router.get("/actions/{action_id}", response_class=HTMLResponse, dependencies=[signed_in])
def show_action(
    request: Request, action_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    with db.session() as session:
        action = actions.owned(session, user=user, action_id=action_id)
        view = action_views.detail(session, action=action, locale=locale)
    return templates.render(request, "pages/action.html", {"view": view})


@router.get("/actions/{action_id}/edit", response_class=HTMLResponse, dependencies=[signed_in])
def edit_action(
    request: Request, action_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    with db.session() as session:
        action = actions.owned(session, user=user, action_id=action_id)
        if action.status not in actions.EDITABLE:
            return _see_other(f"/actions/{action_id}")
        values = action_views.form_values(session, action)
    return _render_form(request, db, templates, user, action_id=action_id, values=values)


@router.post("/actions/{action_id}/edit", dependencies=[signed_in])
def save_action(
    request: Request, action_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep, program: ProgramDep,
) -> Response:  # fmt: skip
    submit = first(form, "intent") == "submit"
    values = {name: first(form, name) for name in FORM_FIELDS}
    try:
        with db.session(write=True) as session:
            actions.update(session, user=user, action_id=action_id, form=_form(form),
                           program=program, submit=submit)  # fmt: skip
    except InvalidInput as exc:
        return _render_form(request, db, templates, user, action_id=action_id, values=values,
                            errors=exc.errors, status_code=422)  # fmt: skip
    except Conflict as exc:
        return _render_form(request, db, templates, user, action_id=action_id, values=values,
                            errors={"": exc.message}, status_code=409)  # fmt: skip
    return _see_other(f"/actions/{action_id}?{'submitted' if submit else 'saved'}=1")


@router.post("/actions/{action_id}/submit", dependencies=[signed_in])
def submit_action(
    request: Request, action_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    program: ProgramDep, locale: LocaleDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            actions.submit(session, user=user, action_id=action_id, program=program)
    except (InvalidInput, Conflict) as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else {"": exc.message}
        with db.session() as session:
            action = actions.owned(session, user=user, action_id=action_id)
            view = action_views.detail(session, action=action, locale=locale)
        return templates.render(request, "pages/action.html", {"view": view, "errors": errors},
                                status_code=422 if isinstance(exc, InvalidInput) else 409)  # fmt: skip
    return _see_other(f"/actions/{action_id}?submitted=1")


@router.post("/actions/{action_id}/delete", dependencies=[signed_in])
def delete_action(
    request: Request, action_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    locale: LocaleDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            actions.owned(session, user=user, action_id=action_id)
            photos.discard_files(session, action_id=action_id, settings=settings)
            actions.delete_draft(session, user=user, action_id=action_id)
    except Conflict as exc:
        with db.session() as session:
            action = actions.owned(session, user=user, action_id=action_id)
            view = action_views.detail(session, action=action, locale=locale)
        return templates.render(request, "pages/action.html",
                                {"view": view, "errors": {"": exc.message}}, status_code=409)  # fmt: skip
    return _see_other("/actions?deleted=1")


# --- trainers -------------------------------------------------------------------------


@router.get("/trainer/reviews", response_class=HTMLResponse, dependencies=[trainers])
def review_queue(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    with db.session() as session:
        items = action_views.queue(session, user=user)
    return templates.render(request, "pages/review_queue.html", {"items": items})


def _review_page(
    request: Request, session: Session, templates: Templates, user: User, action: CommunityAction,
    *, errors: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    view = action_views.detail(session, action=action, locale=request.state.locale,
                               reviewer=user)  # fmt: skip
    context = {"view": view, "errors": errors or {}, "values": values or {}}
    return templates.render(request, "pages/review.html", context, status_code=status_code)


@router.get(
    "/trainer/reviews/{action_id}", response_class=HTMLResponse, dependencies=[cohort_trainers]
)
def review_action(
    request: Request, action_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    with db.session() as session:
        action = actions.for_reviewer(session, user=user, action_id=action_id)
        return _review_page(request, session, templates, user, action)


@router.post("/trainer/reviews/{action_id}", dependencies=[cohort_trainers])
def decide(
    request: Request, action_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep, program: ProgramDep,
) -> Response:  # fmt: skip
    decision, comment = first(form, "decision"), first(form, "comment")
    return _decide(request, db, templates, program, user, action_id, decision, comment)


@router.post("/trainer/reviews/{action_id}/reopen", dependencies=[cohort_trainers])
def reopen(
    request: Request, action_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep, program: ProgramDep,
) -> Response:  # fmt: skip
    return _decide(request, db, templates, program, user, action_id, "reopen",
                   first(form, "comment"))  # fmt: skip


def _decide(
    request: Request, db: Database, templates: Templates, program: ProgramSpec, user: User,
    action_id: int, decision: str, comment: str,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            if decision == "reopen":
                actions.reopen(session, reviewer=user, action_id=action_id, comment=comment,
                               program=program)  # fmt: skip
            else:
                actions.review(session, reviewer=user, action_id=action_id, decision=decision,
                               comment=comment, program=program)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else {"": exc.message}
        with db.session() as session:
            action = actions.for_reviewer(session, user=user, action_id=action_id)
            return _review_page(request, session, templates, user, action, errors=errors,
                                values={"comment": comment, "decision": decision},
                                status_code=422 if isinstance(exc, InvalidInput) else 409)  # fmt: skip
    return _see_other(f"/trainer/reviews?done={action_id}")
