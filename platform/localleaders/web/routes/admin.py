"""Program administration: accounts, publishing course files, and the audit log.

User actions answer a plain form with a 303 back to the same list (search and page
kept) and an htmx form with the list block. A password reset is the exception: its
temporary password is shown once, in the response itself, and never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from localleaders.db import Database
from localleaders.i18n import N_, Message
from localleaders.services import admin_users, audit, publishing
from localleaders.services.errors import InvalidInput
from localleaders.settings import Settings
from localleaders.web.access import CurrentUser, admins
from localleaders.web.deps import DbDep, SettingsDep, TemplatesDep
from localleaders.web.forms import FormLists, first
from localleaders.web.templating import Templates, is_htmx

router = APIRouter()

ACTION_LABELS = {
    "user.role": Message(N_("Role changed")),
    "user.deactivate": Message(N_("Account deactivated")),
    "user.activate": Message(N_("Account activated")),
    "user.reset_password": Message(N_("Password reset")),
    "courses.publish": Message(N_("Courses published")),
    "cohort.create": Message(N_("Cohort created")),
    "cohort.update": Message(N_("Cohort edited")),
    "cohort.deadline": Message(N_("Deadline set")),
    "cohort.close": Message(N_("Cohort closed")),
    "cohort.archive": Message(N_("Cohort archived")),
    "cohort.new_code": Message(N_("New join code")),
    "cohort.add_learner": Message(N_("Learner added to a cohort")),
    "cohort.remove_learner": Message(N_("Learner removed from a cohort")),
    "cohort.announce": Message(N_("Announcement posted")),
    "action.verify": Message(N_("Action verified")),
    "action.changes": Message(N_("Changes requested on an action")),
    "action.reject": Message(N_("Action not accepted")),
    "action.reopen": Message(N_("Verified action reopened")),
    "consultation.log": Message(N_("Consultation logged")),
    "export.progress": Message(N_("Progress exported")),
    "export.quiz_results": Message(N_("Quiz results exported")),
    "export.actions": Message(N_("Actions exported")),
    "export.consultations": Message(N_("Consultations exported")),
    "export.impact_report": Message(N_("Impact report exported")),
}
"""Readable names for audit actions; a key missing here is shown as it is stored."""

USER_NOTICES = ("role", "deactivated", "activated")
NO_STORE = {"Cache-Control": "no-store"}


def _page_number(value: str | int | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def courses_dir(settings: Settings) -> Path:
    from localleaders.web.app import courses_root  # the app imports this module

    return courses_root(settings)


# --- overview -------------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse, dependencies=[admins])
def show_overview(request: Request, db: DbDep, templates: TemplatesDep) -> Response:
    with db.session() as session:
        view = admin_users.overview(session)
    return templates.render(request, "pages/admin_overview.html", {"view": view})


# --- users ----------------------------------------------------------------------------


def _users_page(
    request: Request, db: Database, templates: Templates, *, q: str, page: int,
    status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    with db.session() as session:
        found = admin_users.search(session, q=q, page=page)
    context = {"found": found, "notice": "", "reset": None, **extra}
    headers = NO_STORE if extra.get("reset") else None
    return templates.render(request, "pages/admin_users.html", context, block="users",
                            status_code=status_code, headers=headers)  # fmt: skip


@router.get("/admin/users", response_class=HTMLResponse, dependencies=[admins])
def list_users(
    request: Request, db: DbDep, templates: TemplatesDep, q: str = "", page: str = "1",
    done: str = "",
) -> Response:  # fmt: skip
    notice = done if done in USER_NOTICES else ""
    return _users_page(request, db, templates, q=q, page=_page_number(page), notice=notice)


def _user_action(
    request: Request, db: Database, templates: Templates, form: dict[str, list[str]],
    change: Callable[[Session], Any], notice: str, user_id: int,
) -> Response:  # fmt: skip
    """Runs one account change; refusals re-render the list with the reason (422)."""
    q, page = first(form, "q"), _page_number(first(form, "page"))
    try:
        with db.session(write=True) as session:
            change(session)
    except InvalidInput as exc:
        return _users_page(request, db, templates, q=q, page=page, errors=exc.errors,
                           status_code=422)  # fmt: skip
    if is_htmx(request):
        return _users_page(request, db, templates, q=q, page=page, notice=notice)
    query = urlencode({"q": q, "page": page, "done": notice})
    return RedirectResponse(f"/admin/users?{query}#user-{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/role", dependencies=[admins])
def change_role(
    request: Request, user_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    role = first(form, "role")
    return _user_action(request, db, templates, form, lambda s: admin_users.change_role(
        s, actor=user, user_id=user_id, role=role), "role", user_id)  # fmt: skip


@router.post("/admin/users/{user_id}/deactivate", dependencies=[admins])
def deactivate_user(
    request: Request, user_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    return _user_action(request, db, templates, form, lambda s: admin_users.deactivate(
        s, actor=user, user_id=user_id), "deactivated", user_id)  # fmt: skip


@router.post("/admin/users/{user_id}/activate", dependencies=[admins])
def activate_user(
    request: Request, user_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    return _user_action(request, db, templates, form, lambda s: admin_users.activate(
        s, actor=user, user_id=user_id), "activated", user_id)  # fmt: skip


@router.post("/admin/users/{user_id}/reset-password", dependencies=[admins])
def reset_password(
    request: Request, user_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep,
) -> Response:  # fmt: skip
    q, page = first(form, "q"), _page_number(first(form, "page"))
    try:
        with db.session(write=True) as session:
            row, password = admin_users.reset_password(session, actor=user, user_id=user_id)
    except InvalidInput as exc:
        return _users_page(request, db, templates, q=q, page=page, errors=exc.errors,
                           status_code=422)  # fmt: skip
    reset = {"user": row, "password": password}
    return _users_page(request, db, templates, q=q, page=page, reset=reset)


# --- courses --------------------------------------------------------------------------


def _courses_page(
    request: Request, db: Database, templates: Templates, settings: Settings, *,
    status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    validation = extra.pop("validation", None) or publishing.validate(courses_dir(settings))
    with db.session() as session:
        rows = publishing.compare(session, validation)
    context = {"validation": validation, "rows": rows, "published": None, "refused": False, **extra}
    return templates.render(request, "pages/admin_courses.html", context,
                            status_code=status_code)  # fmt: skip


@router.get("/admin/courses", response_class=HTMLResponse, dependencies=[admins])
def show_courses(
    request: Request, db: DbDep, templates: TemplatesDep, settings: SettingsDep
) -> Response:
    return _courses_page(request, db, templates, settings)


@router.post("/admin/courses/publish", dependencies=[admins])
def publish_courses(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    validation = publishing.validate(courses_dir(settings))
    if not validation.ok:
        return _courses_page(request, db, templates, settings, validation=validation,
                             refused=True, status_code=422)  # fmt: skip
    with db.session(write=True) as session:
        published = publishing.publish(session, actor=user, validation=validation)
    return _courses_page(request, db, templates, settings, validation=validation,
                         published=published)  # fmt: skip


# --- audit log ------------------------------------------------------------------------


@router.get("/admin/audit", response_class=HTMLResponse, dependencies=[admins])
def show_audit(
    request: Request, db: DbDep, templates: TemplatesDep, action: str = "", page: str = "1"
) -> Response:
    with db.session() as session:
        found = audit.entries(session, page=_page_number(page), action=action[:40])
        known = audit.actions(session)
        targets = {e.target_id for e in found.entries if e.target_type == "user" and e.target_id}
        names = admin_users.usernames(session, user_ids=targets)
    context = {"found": found, "actions": known, "labels": ACTION_LABELS, "usernames": names}
    return templates.render(request, "pages/admin_audit.html", context)
