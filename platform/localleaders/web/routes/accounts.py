"""Registering, logging in and out, and looking after one's own account and sessions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.i18n import N_, Message
from localleaders.services import accounts, sessions
from localleaders.services.errors import InvalidInput
from localleaders.settings import Settings
from localleaders.web.access import CurrentUser, anyone, signed_in
from localleaders.web.deps import DbDep, SettingsDep, TemplatesDep
from localleaders.web.forms import FormLists, first, safe_next
from localleaders.web.viewer import SESSION_COOKIE, session_policy

router = APIRouter()
REGISTER_FIELDS = ("username", "display_name", "email")


def _signed_in_response(request: Request, token: str, settings: Settings, target: str) -> Response:
    if request.headers.get("hx-request") == "true":
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_absolute.total_seconds()),
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/register", response_class=HTMLResponse, dependencies=[anyone])
def show_register(request: Request, templates: TemplatesDep, next: str = "") -> HTMLResponse:
    return templates.render(
        request, "pages/register.html", {"values": {"next": safe_next(next, "")}}
    )


@router.post("/register", dependencies=[anyone])
def register(
    request: Request, form: FormLists, db: DbDep, templates: TemplatesDep, settings: SettingsDep
) -> Response:
    values = {name: first(form, name) for name in REGISTER_FIELDS}
    values["next"] = safe_next(first(form, "next"), "")
    try:
        if not settings.registration_open:
            raise InvalidInput({"": Message(N_("Registration is closed. Ask your trainer."))})
        with db.session(write=True) as session:
            user = accounts.register(
                session, username=values["username"], display_name=values["display_name"],
                email=values["email"], password=first(form, "password"),
                locale=request.state.locale,
            )  # fmt: skip
            token = sessions.start(
                session,
                user=user,
                user_agent=request.headers.get("user-agent", ""),
                policy=session_policy(settings),
            )
    except InvalidInput as exc:
        context = {"errors": exc.errors, "values": values}
        return templates.render(
            request, "pages/register.html", context, block="form", status_code=422
        )
    return _signed_in_response(request, token, settings, values["next"] or "/courses")


@router.get("/login", response_class=HTMLResponse, dependencies=[anyone])
def show_login(request: Request, templates: TemplatesDep, next: str = "/") -> HTMLResponse:
    return templates.render(request, "pages/login.html", {"values": {"next": safe_next(next)}})


@router.post("/login", dependencies=[anyone])
def login(
    request: Request, form: FormLists, db: DbDep, templates: TemplatesDep, settings: SettingsDep
) -> Response:
    values = {"username": first(form, "username"), "next": safe_next(first(form, "next"))}
    try:
        with db.session(write=True) as session:
            user = accounts.authenticate(
                session, username=values["username"], password=first(form, "password")
            )
            token = sessions.start(
                session,
                user=user,
                user_agent=request.headers.get("user-agent", ""),
                policy=session_policy(settings),
            )
    except InvalidInput as exc:
        context = {"errors": exc.errors, "values": values}
        return templates.render(request, "pages/login.html", context, block="form", status_code=422)
    return _signed_in_response(request, token, settings, values["next"])


@router.post("/logout", dependencies=[signed_in])
def logout(request: Request, db: DbDep, settings: SettingsDep) -> RedirectResponse:
    with db.session(write=True) as session:
        sessions.end(session, token=request.state.session_token, policy=session_policy(settings))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.get("/account", response_class=HTMLResponse, dependencies=[signed_in])
def show_account(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> HTMLResponse:
    with db.session() as session:
        rows = sessions.list_for(session, user=user)
    context = {
        "sessions": rows,
        "current_session": request.state.session_id,
        "changed": request.query_params.get("changed") == "1",
    }
    return templates.render(request, "pages/account.html", context)


@router.post("/account/password", dependencies=[signed_in])
def change_password(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, templates: TemplatesDep
) -> Response:
    try:
        with db.session(write=True) as session:
            accounts.change_password(
                session,
                user=session.merge(user),
                current=first(form, "current_password"),
                new=first(form, "new_password"),
            )
            sessions.end_others(session, user=user, keep_id=request.state.session_id)
    except InvalidInput as exc:
        with db.session() as session:
            rows = sessions.list_for(session, user=user)
        context = {
            "errors": exc.errors,
            "sessions": rows,
            "current_session": request.state.session_id,
            "changed": False,
        }
        return templates.render(
            request, "pages/account.html", context, block="password", status_code=422
        )
    return RedirectResponse("/account?changed=1", status_code=303)


@router.post("/account/sessions/{session_id}/revoke", dependencies=[signed_in])
def revoke_session(session_id: int, user: CurrentUser, db: DbDep) -> RedirectResponse:
    with db.session(write=True) as session:
        sessions.revoke(session, user=user, session_id=session_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/about", dependencies=[signed_in])
def save_about(
    request: Request, user: CurrentUser, form: FormLists, db: DbDep, templates: TemplatesDep
) -> Response:
    try:
        with db.session(write=True) as session:
            accounts.set_gender(session, user=session.merge(user), gender=first(form, "gender"))
    except InvalidInput as exc:
        with db.session() as session:
            rows = sessions.list_for(session, user=user)
        context = {"errors": exc.errors, "sessions": rows,
                   "current_session": request.state.session_id, "changed": False}  # fmt: skip
        return templates.render(request, "pages/account.html", context, status_code=422)
    return RedirectResponse("/account?about=1", status_code=303)
