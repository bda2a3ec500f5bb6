"""A trainer's page on one learner of their cohort, and what they give by hand there:
points (or a deduction) and trainer-awarded badges, each with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.models import User
from localleaders.services import achievements, awards, trainer
from localleaders.services.errors import InvalidInput
from localleaders.web.access import CurrentUser, cohort_trainers
from localleaders.web.deps import DbDep, ProgramDep
from localleaders.web.forms import FormLists, first

router = APIRouter()
LEARNER = "/trainer/cohorts/{cohort_id}/learners/{user_id}"


def _page(
    request: Request, db: Database, program: ProgramSpec, user: User, cohort_id: int,
    user_id: int, status_code: int = 200, **extra: object,
) -> Response:  # fmt: skip
    with db.session() as session:
        view = trainer.learner_detail(session, user=user, cohort_id=cohort_id, user_id=user_id,
                                      locale=request.state.locale, levels=program.levels)  # fmt: skip
        staff = awards.staff_view(session, user_id=user_id)
        streak = achievements.streak(session, rules=program, user_id=user_id)
    context = {"view": view, "staff": staff, "streak": streak, "rules": program,
               "awardable": awards.awardable(program), "points_errors": {},
               "points_values": None, "badge_errors": {}, "badge_values": None, **extra}  # fmt: skip
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "pages/trainer_learner.html", context, status_code=status_code
    )


@router.get(LEARNER, response_class=HTMLResponse, dependencies=[cohort_trainers])
def learner_detail(
    request: Request, cohort_id: int, user_id: int, user: CurrentUser, db: DbDep,
    program: ProgramDep,
) -> Response:  # fmt: skip
    return _page(request, db, program, user, cohort_id, user_id)


@router.post(LEARNER + "/points", dependencies=[cohort_trainers])
def give_points(
    request: Request, cohort_id: int, user_id: int, user: CurrentUser, form: FormLists,
    db: DbDep, program: ProgramDep,
) -> Response:  # fmt: skip
    values = awards.ManualForm(amount=first(form, "amount"), reason=first(form, "reason"))
    try:
        with db.session(write=True) as session:
            awards.give_points(session, actor=user, cohort_id=cohort_id, user_id=user_id,
                               form=values, rules=program)  # fmt: skip
    except InvalidInput as exc:
        return _page(request, db, program, user, cohort_id, user_id, status_code=422,
                     points_errors=exc.errors, points_values=values)  # fmt: skip
    return RedirectResponse(f"/trainer/cohorts/{cohort_id}/learners/{user_id}#awards", 303)


@router.post(LEARNER + "/badges", dependencies=[cohort_trainers])
def give_badge(
    request: Request, cohort_id: int, user_id: int, user: CurrentUser, form: FormLists,
    db: DbDep, program: ProgramDep,
) -> Response:  # fmt: skip
    badge, reason = first(form, "badge"), first(form, "reason")
    try:
        with db.session(write=True) as session:
            awards.give_badge(session, actor=user, cohort_id=cohort_id, user_id=user_id,
                              badge_key=badge, reason=reason, rules=program)  # fmt: skip
    except InvalidInput as exc:
        return _page(request, db, program, user, cohort_id, user_id, status_code=422,
                     badge_errors=exc.errors, badge_values={"badge": badge, "reason": reason})  # fmt: skip
    return RedirectResponse(f"/trainer/cohorts/{cohort_id}/learners/{user_id}#awards", 303)
