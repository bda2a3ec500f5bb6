"""The impact report: a page with figures, definitions and charts, and its tables as CSV.

For admins (the whole program) and trainers (their own cohorts); the scope is enforced in
services.impact_report, so a trainer asking for another cohort gets "not found".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from localleaders.i18n import Message, translations_for
from localleaders.reports.charts import Chart, impact_charts
from localleaders.reports.impact import hours
from localleaders.services import impact_report
from localleaders.services.cohort_exports import to_csv
from localleaders.services.impact_report import Filters, ImpactView
from localleaders.web.access import CurrentUser, trainers
from localleaders.web.deps import DbDep, LocaleDep, ProgramDep, SettingsDep, TemplatesDep

router = APIRouter()


def _charts(view: ImpactView, locale: str) -> list[Chart]:
    if view.report is None:
        return []
    translations = translations_for(locale)
    return impact_charts(
        view.report,
        translate=lambda message: Message.translate(message, translations),
        number=lambda value: format_decimal(value, locale=locale),
        month_label=lambda month: format_date(month, "LLL y", locale=locale),
        type_names=view.type_names,
    )


def _figure(value: int | Decimal, locale: str) -> str:
    """Counts as whole numbers, hours always with their one decimal ("12.0")."""
    pattern = "#,##0.0" if isinstance(value, Decimal) else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


@router.get("/reports/impact", response_class=HTMLResponse, dependencies=[trainers])
def show_impact_report(
    request: Request, user: CurrentUser, db: DbDep, templates: TemplatesDep,
    program: ProgramDep, locale: LocaleDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    filters = Filters.of(request.query_params)
    with db.session() as session:
        view = impact_report.view(session, user=user, filters=filters, program=program,
                                  locale=locale, min_group=settings.report_min_group)  # fmt: skip
    context = {"view": view, "charts": _charts(view, locale), "today": date.today(),
               "figure": lambda value: _figure(value, locale), "hours": hours}  # fmt: skip
    status = 422 if view.errors else 200
    return templates.render(request, "pages/impact.html", context, status_code=status)


@router.get("/reports/impact.csv", dependencies=[trainers])
def export_impact_report(
    request: Request, user: CurrentUser, db: DbDep, program: ProgramDep, locale: LocaleDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    table = request.query_params.get("table", "indicators")
    with db.session(write=True) as session:
        found, name = impact_report.export(session, user=user, table=table, program=program,
                                           filters=Filters.of(request.query_params),
                                           locale=locale, min_group=settings.report_min_group)  # fmt: skip
    return Response(
        to_csv(found, translations_for(locale)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
