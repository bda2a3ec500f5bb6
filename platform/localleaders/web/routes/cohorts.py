"""Cohorts: joining one, its page for members, and the trainer's pages that run it."""

from __future__ import annotations

import io
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.db import Database
from localleaders.models import Cohort, User
from localleaders.services import cohort_views, cohorts
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.web.access import (
    CurrentUser,
    anyone,
    cohort_members,
    cohort_trainers,
    signed_in,
    trainers,
)
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists, first
from localleaders.web.templating import Templates, is_htmx

router = APIRouter()


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def invite_url(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/join/{code}"


# --- learners ---------------------------------------------------------------------


@router.get("/cohorts", response_class=HTMLResponse, dependencies=[signed_in])
def my_cohorts(request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep) -> Response:
    return _my_cohorts(request, user, db, templates)


def _my_cohorts(
    request: Request, user: User, db: Database, templates: Templates, *,
    errors: dict[str, Any] | None = None, code: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    with db.session() as session:
        joined = cohorts.joined_by(session, user_id=user.id or 0)
    context = {"joined": joined, "errors": errors or {}, "values": {"code": code}}
    block = "join" if errors and is_htmx(request) else None
    return templates.render(request, "pages/cohorts.html", context, block=block,
                            status_code=status_code)  # fmt: skip


@router.post("/cohorts/join", dependencies=[signed_in])
def join_by_code(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, templates: TemplatesDep,
    program: ProgramDep,
) -> Response:  # fmt: skip
    code = first(form, "code")
    try:
        with db.session(write=True) as session:
            cohort = cohorts.join(session, user=user, code=code, rules=program)
    except InvalidInput as exc:
        return _my_cohorts(request, user, db, templates, errors=exc.errors, code=code,
                           status_code=422)  # fmt: skip
    return _redirect(request, f"/cohorts/{cohort.id}?joined=1")


def _redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return _see_other(url)


@router.get("/join/{code}", response_class=HTMLResponse, dependencies=[anyone])
def invitation(request: Request, code: str, db: DbDep, templates: TemplatesDep) -> Response:
    """The page an invitation link or QR code opens: says which cohort, then one button."""
    user: User | None = getattr(request.state, "user", None)
    try:
        with db.session() as session:
            cohort = cohorts.by_code(session, code=code)
            member = user is not None and cohorts.is_member(session, user=user, cohort=cohort)
    except InvalidInput as exc:
        missing = {"cohort": None, "problem": exc.errors["code"], "code": code}
        return templates.render(request, "pages/join.html", missing, status_code=404)
    found = {"cohort": cohort, "member": member, "code": cohort.join_code}
    return templates.render(request, "pages/join.html", found)


@router.post("/join/{code}", dependencies=[signed_in])
def accept_invitation(
    request: Request, code: str, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    program: ProgramDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            cohort = cohorts.join(session, user=user, code=code, rules=program)
    except InvalidInput as exc:
        context = {"cohort": None, "problem": exc.errors["code"], "code": code}
        return templates.render(request, "pages/join.html", context, status_code=404)
    return _redirect(request, f"/cohorts/{cohort.id}?joined=1")


@router.get("/cohorts/{cohort_id}", response_class=HTMLResponse, dependencies=[cohort_members])
def cohort_page(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    with db.session() as session:
        cohort = cohorts.for_member(session, user=user, cohort_id=cohort_id)
        view = cohort_views.member_view(session, cohort=cohort, user=user, locale=locale)
    return templates.render(request, "pages/cohort.html", {"view": view})


# --- trainers: creating ---------------------------------------------------------------


def _form_of(form: dict[str, list[str]]) -> cohorts.CohortForm:
    return cohorts.CohortForm(
        name=first(form, "name"),
        course_slugs=form.get("courses", []),
        starts_on=first(form, "starts_on"),
        ends_on=first(form, "ends_on"),
        trainer_ids=form.get("trainers", []),
    )


def _render_form(
    request: Request, db: Database, templates: Templates, user: User, *,
    cohort_id: int | None, values: dict[str, Any], errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    cohort = None
    with db.session() as session:
        if cohort_id is not None:
            cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
        choices = cohort_views.form_choices(session, locale=request.state.locale)
    context = {"cohort": cohort, "values": values, "errors": errors or {}, "choices": choices,
               "user": user}  # fmt: skip
    return templates.render(request, "pages/cohort_form.html", context, status_code=status_code)


@router.get("/trainer/cohorts/new", response_class=HTMLResponse, dependencies=[trainers])
def new_cohort(request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep) -> Response:
    values = {"courses": [], "trainers": [str(user.id)] if user.role == "trainer" else []}
    return _render_form(request, db, templates, user, cohort_id=None, values=values)


@router.post("/trainer/cohorts", dependencies=[trainers])
def create_cohort(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, templates: TemplatesDep
) -> Response:
    try:
        with db.session(write=True) as session:
            cohort = cohorts.create(session, actor=user, form=_form_of(form))
    except InvalidInput as exc:
        return _render_form(request, db, templates, user, cohort_id=None, values=_values(form),
                            errors=exc.errors, status_code=422)  # fmt: skip
    return _see_other(f"/trainer/cohorts/{cohort.id}/manage?created=1")


def _values(form: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": first(form, "name"), "starts_on": first(form, "starts_on"),
        "ends_on": first(form, "ends_on"), "courses": form.get("courses", []),
        "trainers": form.get("trainers", []),
    }  # fmt: skip


# --- trainers: running a cohort -------------------------------------------------------


def _manage(
    request: Request, db: Database, templates: Templates, user: User, cohort_id: int, *,
    errors: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
    status_code: int = 200, notice: str = "",
) -> Response:  # fmt: skip
    with db.session() as session:
        cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
        view = cohort_views.manage_view(session, cohort=cohort, locale=request.state.locale)
    context = {
        "view": view, "errors": errors or {}, "values": values or {}, "notice": notice,
        "invite_url": invite_url(request, cohort.join_code),
        "display_code": cohorts.display_code(cohort.join_code),
    }  # fmt: skip
    return templates.render(request, "pages/cohort_manage.html", context, status_code=status_code)


@router.get(
    "/trainer/cohorts/{cohort_id}/manage", response_class=HTMLResponse,
    dependencies=[cohort_trainers],
)  # fmt: skip
def manage_cohort(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    notice = next((key for key in NOTICES if key in request.query_params), "")
    return _manage(request, db, templates, user, cohort_id, notice=notice)


NOTICES = ("created", "saved", "closed", "archived", "code", "added", "removed", "announced",
           "deadline")  # fmt: skip


def _change(
    request: Request, db: Database, templates: Templates, user: User, cohort_id: int,
    change: Any, notice: str, values: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    """Runs one change on a cohort the user trains; bad input re-renders the page (422)."""
    try:
        with db.session(write=True) as session:
            cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
            change(session, cohort)
    except InvalidInput as exc:
        return _manage(request, db, templates, user, cohort_id, errors=exc.errors,
                       values=values, status_code=422)  # fmt: skip
    except Conflict as exc:
        return _manage(request, db, templates, user, cohort_id, errors={"": exc.message},
                       values=values, status_code=409)  # fmt: skip
    return _see_other(f"/trainer/cohorts/{cohort_id}/manage?{notice}=1")


@router.get(
    "/trainer/cohorts/{cohort_id}/edit", response_class=HTMLResponse,
    dependencies=[cohort_trainers],
)  # fmt: skip
def edit_cohort(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    with db.session() as session:
        cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
        values = cohort_views.form_values(session, cohort=cohort)
    return _render_form(request, db, templates, user, cohort_id=cohort_id, values=values)


@router.post("/trainer/cohorts/{cohort_id}/edit", dependencies=[cohort_trainers])
def save_cohort(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    try:
        with db.session(write=True) as session:
            cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
            cohorts.update(session, actor=user, cohort=cohort, form=_form_of(form))
    except InvalidInput as exc:
        return _render_form(request, db, templates, user, cohort_id=cohort_id, values=_values(form),
                            errors=exc.errors, status_code=422)  # fmt: skip
    except Conflict as exc:
        return _render_form(request, db, templates, user, cohort_id=cohort_id, values=_values(form),
                            errors={"": exc.message}, status_code=409)  # fmt: skip
    return _see_other(f"/trainer/cohorts/{cohort_id}/manage?saved=1")


def _confirmed(form: dict[str, list[str]]) -> None:
    if first(form, "confirm") != "yes":
        raise InvalidInput({"confirm": cohort_views.CONFIRM_MESSAGE})


@router.post("/trainer/cohorts/{cohort_id}/close", dependencies=[cohort_trainers])
def close_cohort(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, cohort: Cohort) -> None:
        _confirmed(form)
        cohorts.close(session, actor=user, cohort=cohort)

    return _change(request, db, templates, user, cohort_id, change, "closed")


@router.post("/trainer/cohorts/{cohort_id}/archive", dependencies=[cohort_trainers])
def archive_cohort(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, cohort: Cohort) -> None:
        _confirmed(form)
        cohorts.archive(session, actor=user, cohort=cohort)

    return _change(request, db, templates, user, cohort_id, change, "archived")


@router.post("/trainer/cohorts/{cohort_id}/code", dependencies=[cohort_trainers])
def new_join_code(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    def change(session: Any, cohort: Cohort) -> None:
        cohorts.new_code(session, actor=user, cohort=cohort)

    return _change(request, db, templates, user, cohort_id, change, "code")


@router.post("/trainer/cohorts/{cohort_id}/learners", dependencies=[cohort_trainers])
def add_learner(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep, program: ProgramDep,
) -> Response:  # fmt: skip
    username = first(form, "username")

    def change(session: Any, cohort: Cohort) -> None:
        cohorts.add_learner(session, actor=user, cohort=cohort, username=username, rules=program)

    return _change(request, db, templates, user, cohort_id, change, "added",
                   values={"username": username})  # fmt: skip


@router.post(
    "/trainer/cohorts/{cohort_id}/learners/{user_id}/remove", dependencies=[cohort_trainers]
)
def remove_learner(
    request: Request, cohort_id: int, user_id: int, user: CurrentUser, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, cohort: Cohort) -> None:
        cohorts.remove_learner(session, actor=user, cohort=cohort, user_id=user_id)

    return _change(request, db, templates, user, cohort_id, change, "removed")


@router.post("/trainer/cohorts/{cohort_id}/announcements", dependencies=[cohort_trainers])
def announce(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    body = first(form, "body")

    def change(session: Any, cohort: Cohort) -> None:
        cohorts.announce(session, actor=user, cohort=cohort, body=body)

    return _change(request, db, templates, user, cohort_id, change, "announced",
                   values={"body": body})  # fmt: skip


@router.post("/trainer/cohorts/{cohort_id}/deadlines", dependencies=[cohort_trainers])
def set_deadline(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    def change(session: Any, cohort: Cohort) -> None:
        cohorts.set_due_date(session, actor=user, cohort=cohort,
                             course_slug=first(form, "course"), due_on=first(form, "due_on"))  # fmt: skip

    return _change(request, db, templates, user, cohort_id, change, "deadline")


@router.get("/trainer/cohorts/{cohort_id}/invite.svg", dependencies=[cohort_trainers])
def invitation_qr(request: Request, cohort_id: int, user: CurrentUser, db: DbDep) -> Response:
    """The invitation link as a QR code, drawn here: no outside service sees the link."""
    with db.session() as session:
        cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
    qr = segno.make(invite_url(request, cohort.join_code), error="m")
    svg = io.BytesIO()
    qr.save(svg, kind="svg", scale=6, border=2, dark="#1b1f1d", light="#ffffff", xmldecl=False)
    return Response(svg.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})  # fmt: skip
