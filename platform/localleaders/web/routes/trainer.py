"""The trainer's workspace: my cohorts, a cohort's progress matrix, a learner, exports
(progress, quiz results, community actions, consultations).

Every cohort route goes through services that call ``cohorts.for_trainer``, so a trainer
of another cohort gets 404 for all of them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from localleaders.catalog.program import ProgramSpec
from localleaders.db import Database
from localleaders.i18n import translations_for
from localleaders.models import User
from localleaders.services import cohort_exports, cohorts, trainer
from localleaders.web.access import CurrentUser, cohort_trainers, trainers
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, TemplatesDep
from localleaders.web.templating import Templates

router = APIRouter()


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@router.get("/trainer", response_class=HTMLResponse, dependencies=[trainers])
def trainer_dashboard(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep
) -> Response:
    archived = request.query_params.get("archived") == "1"
    with db.session() as session:
        cards = trainer.dashboard(session, user=user, archived=archived)
    context = {"cards": cards, "archived": archived}
    return templates.render(request, "pages/trainer_dashboard.html", context)


def _progress(
    request: Request, cohort_id: int, user: User, db: Database, templates: Templates,
    locale: str, block: str,
) -> Response:  # fmt: skip
    query = request.query_params
    with db.session() as session:
        view = trainer.cohort_progress(
            session, user=user, cohort_id=cohort_id, locale=locale, page=_page_number(request),
            sort=query.get("sort", ""), direction=query.get("dir", ""),
        )  # fmt: skip
    return templates.render(request, "pages/trainer_cohort.html", {"view": view}, block=block)


@router.get(
    "/trainer/cohorts/{cohort_id}", response_class=HTMLResponse, dependencies=[cohort_trainers]
)
def cohort_progress(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    """The whole page; an htmx sort link gets just the matrix."""
    return _progress(request, cohort_id, user, db, templates, locale, "matrix")


@router.get(
    "/trainer/cohorts/{cohort_id}/matrix", response_class=HTMLResponse,
    dependencies=[cohort_trainers],
)  # fmt: skip
def matrix_rows(
    request: Request, cohort_id: int, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    """The next page of learners: only its rows for htmx, the full page otherwise."""
    return _progress(request, cohort_id, user, db, templates, locale, "rows")


def _export(
    cohort_id: int, user: User, db: Database, locale: str, kind: cohort_exports.Kind,
    program: ProgramSpec | None = None,
) -> Response:  # fmt: skip
    with db.session(write=True) as session:
        cohort = cohorts.for_trainer(session, user=user, cohort_id=cohort_id)
        table = cohort_exports.export(session, actor=user, cohort=cohort, kind=kind,
                                      locale=locale, program=program)  # fmt: skip
    name = cohort_exports.filename(cohort, kind)
    return Response(
        cohort_exports.to_csv(table, translations_for(locale)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/trainer/cohorts/{cohort_id}/export/progress.csv", dependencies=[cohort_trainers])
def export_progress(cohort_id: int, user: CurrentUser, db: DbDep, locale: LocaleDep) -> Response:
    return _export(cohort_id, user, db, locale, "progress")


@router.get("/trainer/cohorts/{cohort_id}/export/quiz-results.csv", dependencies=[cohort_trainers])
def export_quiz_results(
    cohort_id: int, user: CurrentUser, db: DbDep, locale: LocaleDep
) -> Response:
    return _export(cohort_id, user, db, locale, "quiz_results")


@router.get("/trainer/cohorts/{cohort_id}/export/actions.csv", dependencies=[cohort_trainers])
def export_actions(
    cohort_id: int, user: CurrentUser, db: DbDep, locale: LocaleDep, program: ProgramDep
) -> Response:
    return _export(cohort_id, user, db, locale, "actions", program)


@router.get("/trainer/cohorts/{cohort_id}/export/consultations.csv", dependencies=[cohort_trainers])
def export_consultations(
    cohort_id: int, user: CurrentUser, db: DbDep, locale: LocaleDep
) -> Response:
    return _export(cohort_id, user, db, locale, "consultations")
