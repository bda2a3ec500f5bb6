"""Maps domain and HTTP errors to pages in the viewer's language, with the right status."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from localleaders.gamification import guard
from localleaders.i18n import N_, Message, translations_for
from localleaders.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from localleaders.web.access import LoginRequired, RoleRequired
from localleaders.web.templating import is_htmx

log = logging.getLogger("localleaders")

TITLES = {
    400: N_("Bad request"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed"),
    409: N_("That did not work"),
    429: N_("Not so fast"),
    413: N_("Too large"),
    422: N_("Please check what you entered"),
    500: N_("Something went wrong"),
}
EXPLANATIONS = {
    401: N_("This page is for signed-in members. Log in to continue."),
    403: N_("Your account cannot open this page."),
    404: N_("There is nothing at this address. It may have moved, or the link may be wrong."),
    500: N_("We could not finish this request. Nothing was changed. Please try again later."),
}


def error_page(request: Request, status: int, messages: list[Message] | None = None) -> Response:
    templates = request.app.state.templates
    context = {
        "status": status,
        "title": Message(TITLES.get(status, TITLES[400])),
        "explanation": Message(EXPLANATIONS[status]) if status in EXPLANATIONS else None,
        "messages": messages or [],
    }
    return templates.render(request, "pages/error.html", context, status_code=status)


def _login_redirect(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(target, safe='')}"
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": url})
    if request.method in ("GET", "HEAD"):
        return RedirectResponse(url, status_code=303)
    return error_page(request, 401)


def log_blocked(request: Request, exc: guard.Blocked) -> dict[str, str]:
    """Logs an attempt the cheat guard turned away (the use case itself was rolled back);
    returns the Retry-After header for the answer."""
    with request.app.state.db.session(write=True) as session:
        guard.log(session, user_id=request.state.user.id, blocked=exc)
    return {"Retry-After": str(max(1, exc.wait))}


def _blocked(request: Request, exc: Exception) -> Response:
    """The cheat guard turned an attempt away: log it for trainers, say why, change nothing.
    (Forms whose input would be lost catch Blocked themselves and show it in the form.)"""
    assert isinstance(exc, guard.Blocked)
    headers = log_blocked(request, exc)
    if is_htmx(request):
        text = exc.message.translate(translations_for(request.state.locale))
        headers["HX-Trigger"] = json.dumps({"blocked": {"message": text}})
        headers["HX-Reswap"] = "none"
        return Response(status_code=429, headers=headers)
    response = error_page(request, 429, [exc.message])
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(guard.Blocked, _blocked)
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.add_exception_handler(RoleRequired, lambda r, e: error_page(r, 403))
    app.add_exception_handler(Forbidden, lambda r, e: error_page(r, 403))
    app.add_exception_handler(NotFound, lambda r, e: error_page(r, 404))

    def conflict(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Conflict)
        return error_page(request, 409, [exc.message])

    def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InvalidInput)
        return error_page(request, 422, list(exc.errors.values()))

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_page(request, exc.status_code if exc.status_code in TITLES else 400)

    def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, 500)

    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(InvalidInput, invalid)
    app.add_exception_handler(RequestValidationError, lambda r, e: error_page(r, 422))
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
