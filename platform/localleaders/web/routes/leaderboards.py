"""Leaderboards: the program's and each cohort's, all time and this week; a trainer hides a
cohort's boards, a learner leaves (or rejoins) every board from their account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.services import leaderboards
from localleaders.web.access import CurrentUser, cohort_members, cohort_trainers, signed_in
from localleaders.web.deps import DbDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists, first

router = APIRouter()


def _period(raw: str) -> leaderboards.Period:
    return "week" if raw == "week" else "all"


@router.get("/leaderboard", response_class=HTMLResponse, dependencies=[signed_in])
def show_program_board(
    request: Request, user: CurrentUser, db: DbDep, program: ProgramDep, templates: TemplatesDep,
    period: str = "all",
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        view = leaderboards.program_board(session, rules=program, user=user, period=_period(period))
    return templates.render(request, "pages/leaderboard.html", {"board": view, "cohort": None})


@router.get(
    "/cohorts/{cohort_id}/leaderboard", response_class=HTMLResponse,
    dependencies=[cohort_members],
)  # fmt: skip
def show_cohort_board(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, program: ProgramDep,
    templates: TemplatesDep, period: str = "all",
) -> HTMLResponse:  # fmt: skip
    with db.session() as session:
        cohort, view, staff = leaderboards.cohort_board(
            session, rules=program, user=user, cohort_id=cohort_id, period=_period(period)
        )
    context = {"board": view, "cohort": cohort, "staff": staff}
    return templates.render(request, "pages/leaderboard.html", context)


@router.post("/cohorts/{cohort_id}/leaderboard/visibility", dependencies=[cohort_trainers])
def set_board_visibility(cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep) -> Response:
    with db.session(write=True) as session:
        leaderboards.set_hidden(session, actor=user, cohort_id=cohort_id,
                                hidden=first(form, "hidden") == "1")  # fmt: skip
    return RedirectResponse(f"/cohorts/{cohort_id}/leaderboard", status_code=303)


@router.post("/account/leaderboard", dependencies=[signed_in])
def set_board_opt_out(
    user: CurrentUser, form: FormLists, db: DbDep, program: ProgramDep
) -> Response:
    with db.session(write=True) as session:
        leaderboards.set_opt_out(session, rules=program, user=user,
                                 opt_out=first(form, "opt_out") == "1")  # fmt: skip
    return RedirectResponse("/account?boards=1#boards", status_code=303)
