"""The learner's badges, streak and notifications; publishing a badge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.services import achievements
from localleaders.services.errors import InvalidInput
from localleaders.web.access import CurrentUser, signed_in
from localleaders.web.deps import DbDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists, first

router = APIRouter()


@router.get("/badges", response_class=HTMLResponse, dependencies=[signed_in])
def show_badges(
    request: Request, user: CurrentUser, db: DbDep, program: ProgramDep, templates: TemplatesDep
) -> HTMLResponse:
    with db.session() as session:
        cards = achievements.shelf(session, rules=program, user_id=user.id or 0)
        streak = achievements.streak(session, rules=program, user_id=user.id or 0)
    return templates.render(request, "pages/badges.html", {"cards": cards, "streak": streak})


def _award_page(
    request: Request, award_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep, status_code: int = 200, **extra: object,
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        view = achievements.award_view(session, rules=program, user=user, award_id=award_id)
    context = {"view": view, "errors": {}, "email": "", **extra}
    return templates.render(request, "pages/badge.html", context, status_code=status_code)


@router.get("/badges/{award_id}", response_class=HTMLResponse, dependencies=[signed_in])
def show_award(
    request: Request, award_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep,
) -> HTMLResponse:  # fmt: skip
    return _award_page(request, award_id, user, db, program, templates)


@router.post("/badges/{award_id}/publish", dependencies=[signed_in])
def publish_badge(
    request: Request, award_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    program: ProgramDep, templates: TemplatesDep,
) -> Response:  # fmt: skip
    email = first(form, "email")
    try:
        with db.session(write=True) as session:
            achievements.publish(session, user=user, award_id=award_id, email=email)
    except InvalidInput as exc:
        return _award_page(request, award_id, user, db, program, templates, status_code=422,
                           errors=exc.errors, email=email)  # fmt: skip
    return RedirectResponse(f"/badges/{award_id}", status_code=303)


@router.post("/badges/{award_id}/unpublish", dependencies=[signed_in])
def unpublish_badge(award_id: int, user: CurrentUser, db: DbDep) -> Response:
    with db.session(write=True) as session:
        achievements.unpublish(session, user=user, award_id=award_id)
    return RedirectResponse(f"/badges/{award_id}", status_code=303)


@router.get("/notifications", response_class=HTMLResponse, dependencies=[signed_in])
def show_notifications(
    request: Request, user: CurrentUser, db: DbDep, program: ProgramDep, templates: TemplatesDep
) -> HTMLResponse:
    with db.session(write=True) as session:
        items = achievements.notifications(session, rules=program, user_id=user.id or 0)
    return templates.render(request, "pages/notifications.html", {"items": items})
