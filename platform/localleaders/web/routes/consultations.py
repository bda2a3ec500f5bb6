"""Trainers log mentoring consultations with the learners of their cohorts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localleaders.db import Database
from localleaders.models import User
from localleaders.services import cohort_views, cohorts, consultations
from localleaders.services.errors import Conflict, InvalidInput
from localleaders.web.access import CurrentUser, cohort_trainers
from localleaders.web.deps import DbDep, ProgramDep, TemplatesDep
from localleaders.web.forms import FormLists, first
from localleaders.web.templating import Templates

router = APIRouter()
FIELDS = ("learner_id", "held_on", "minutes", "topic", "note")


def _page(
    request: Request, db: Database, templates: Templates, user: User, cohort_id: int, *,
    errors: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    with db.session() as session:
        cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
        view = cohort_views.manage_view(session, cohort=cohort, locale=request.state.locale)
        rows = consultations.of_cohort(session, cohort_id=cohort_id)
    context = {"view": view, "rows": rows, "errors": errors or {}, "values": values or {}}
    return templates.render(request, "pages/consultations.html", context, status_code=status_code)


@router.get(
    "/trainer/cohorts/{cohort_id}/consultations", response_class=HTMLResponse,
    dependencies=[cohort_trainers],
)  # fmt: skip
def cohort_consultations(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    learner: str = "",
) -> Response:  # fmt: skip
    return _page(request, db, templates, user, cohort_id, values={"learner_id": learner})


@router.post("/trainer/cohorts/{cohort_id}/consultations", dependencies=[cohort_trainers])
def log_consultation(
    request: Request, cohort_id: int, user: CurrentUser, form: FormLists, db: DbDep,
    templates: TemplatesDep, program: ProgramDep,
) -> Response:  # fmt: skip
    values = {name: first(form, name) for name in FIELDS}
    try:
        with db.session(write=True) as session:
            cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
            consultations.log(session, trainer=user, cohort=cohort,
                              form=consultations.ConsultationForm(**values),
                              rules=program)  # fmt: skip
    except InvalidInput as exc:
        return _page(request, db, templates, user, cohort_id, errors=exc.errors, values=values,
                     status_code=422)  # fmt: skip
    except Conflict as exc:
        return _page(request, db, templates, user, cohort_id, errors={"": exc.message},
                     values=values, status_code=409)  # fmt: skip
    return RedirectResponse(f"/trainer/cohorts/{cohort_id}/consultations?logged=1", 303)
