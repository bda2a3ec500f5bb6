"""Works out who is asking and in which language, once per request, before any route runs.

Doing it here (not in a route dependency) means error pages, 404s included, know the
viewer and their language too. The database work runs in the thread pool.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from localleaders.db import Database
from localleaders.i18n import LOCALES, negotiate
from localleaders.models import User
from localleaders.services import sessions
from localleaders.settings import Settings

SESSION_COOKIE = "__Host-session"
LANGUAGE_COOKIE = "lang"
CHANGE_PASSWORD_URL = "/account"
# While someone signs in with a temporary password an admin gave them, only these paths
# answer; every other request sends them to choose their own password first.
PASSWORD_CHANGE_PATHS = frozenset(
    {CHANGE_PASSWORD_URL, "/account/password", "/logout", "/language", "/healthz",
     "/manifest.webmanifest"}
)  # fmt: skip


def read_cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    try:
        jar: SimpleCookie = SimpleCookie(raw)
    except Exception:  # a malformed cookie header from some client: treat as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def session_policy(settings: Settings) -> sessions.SessionPolicy:
    return sessions.SessionPolicy(
        settings.session_idle, settings.session_absolute, settings.secret_key.encode()
    )


def find_user(db: Database, settings: Settings, token: str) -> tuple[User, int] | None:
    policy = session_policy(settings)
    with db.session() as session:
        found = sessions.lookup(session, token=token, policy=policy)
    if found is None:
        return None
    user, user_session = found
    assert user_session.id is not None
    if sessions.needs_touch(user_session):
        with db.session(write=True) as session:
            sessions.touch(session, session_id=user_session.id)
    return user, user_session.id


def password_change_required(headers: Headers) -> Response:
    if headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": CHANGE_PASSWORD_URL})
    return RedirectResponse(CHANGE_PASSWORD_URL, status_code=303)


class ViewerMiddleware:
    def __init__(self, app: ASGIApp, *, db: Database, settings: Settings) -> None:
        self.app = app
        self.db = db
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        token = read_cookie(headers, SESSION_COOKIE)
        found = await run_in_threadpool(find_user, self.db, self.settings, token) if token else None
        user = found[0] if found else None
        state["user"] = user
        state["session_id"] = found[1] if found else None
        state["session_token"] = token if found else None
        state["locale"] = self.locale_for(user, headers)
        if user and user.must_change_password and scope["path"] not in PASSWORD_CHANGE_PATHS:
            await password_change_required(headers)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def locale_for(self, user: User | None, headers: Headers) -> str:
        if user is not None and user.locale in LOCALES:
            return user.locale
        cookie = read_cookie(headers, LANGUAGE_COOKIE)
        if cookie in LOCALES:
            return cookie
        return negotiate(headers.get("accept-language", ""), self.settings.default_locale)
