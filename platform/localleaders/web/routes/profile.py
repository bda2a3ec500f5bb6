"""The learner's own profile: points, level and what earned them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from localleaders.services import achievements, profile
from localleaders.web.access import CurrentUser, signed_in
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, TemplatesDep

router = APIRouter()


@router.get("/profile", response_class=HTMLResponse, dependencies=[signed_in])
def show_profile(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep, program: ProgramDep,
    locale: LocaleDep,
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        view = profile.profile(session, user=user, levels=program.levels, locale=locale)
        held = achievements.held(session, rules=program, user_id=user.id or 0)
        streak = achievements.streak(session, rules=program, user_id=user.id or 0)
        unread = achievements.unread(session, user_id=user.id or 0)
    context = {"view": view, "held": held, "streak": streak, "unread": unread}
    return templates.render(request, "pages/profile.html", context)
