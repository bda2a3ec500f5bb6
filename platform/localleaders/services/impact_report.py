"""The impact report as program staff and trainers use it: filters read and checked, each
reader's scope enforced here (admins see the whole program; trainers only the cohorts
they train, and another cohort is "not found"), the indicators with the definitions
shown beside them, and the report's tables as CSV (each download audited).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from sqlmodel import Session

from localleaders.catalog.program import ProgramSpec
from localleaders.i18n import N_, Message
from localleaders.models import Cohort, Role, Track, User
from localleaders.reports.impact import ImpactReport, hide_small_groups, hours, impact
from localleaders.reports.scope import Scope
from localleaders.services import audit, cohorts
from localleaders.services.cohort_exports import Table, Value, type_names
from localleaders.services.errors import InvalidInput, NotFound

TRACKS = (Track.grassroots.value, Track.youth.value, Track.women.value)
TABLES = ("indicators", "actions_by_type", "gender", "by_cohort")
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
GENDER_NAMES = {
    "female": Message(N_("Women")),
    "male": Message(N_("Men")),
    "other": Message(N_("Another gender")),
    "not_stated": Message(N_("Not stated")),
}
INDICATORS: dict[str, tuple[str, str]] = {
    "leaders_trained": (N_("Leaders trained"), N_(
        "Learners who finished at least one course (of the chosen track, if any): every "
        "lesson it counts, its own and those of the shared modules it includes. Each person "
        "counts once, in the period in which they finished their first course.")),
    "learners_active": (N_("Learners active"), N_(
        "Learners who completed a lesson, tried a quiz or submitted a community action in "
        "the period. Each person counts once.")),
    "lessons_completed": (N_("Lessons completed"), N_(
        "Lessons completed by learners in the period; a lesson counts once per learner.")),
    "training_hours": (N_("Training hours"), N_(
        "The time the lessons completed in the period are written for (their minutes), "
        "added up and divided by 60.")),
    "consultation_hours": (N_("Consultation hours"), N_(
        "The minutes of the mentoring consultations trainers logged as held in the "
        "period, added up and divided by 60.")),
    "verified_actions": (N_("Verified actions"), N_(
        "Community actions a trainer verified, dated in the period. Drafts and actions "
        "waiting for review, sent back or not accepted never count.")),
    "public_events": (N_("Public events"), N_(
        "Verified actions of the kind “public event”.")),
    "public_event_participants": (N_("Participants in public events"), N_(
        "The participants reported in verified public events, added up.")),
    "residents_mobilised": (N_("Residents mobilised"), N_(
        "The residents mobilised reported in verified actions, added up: someone who came "
        "to two actions counts twice.")),
    "leaders_mobilising": (N_("Leaders who mobilised residents"), N_(
        "Different learners with at least one verified action that mobilised one resident "
        "or more. Each person counts once.")),
    "new_services": (N_("New services introduced"), N_(
        "Verified actions of the kind “new service for residents”.")),
    "volunteer_hours": (N_("Volunteer hours"), N_(
        "The volunteer minutes reported in verified actions, added up and divided by 60.")),
}  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """The report's filters as typed into the form (GET), kept for showing them back."""

    start: str = ""
    end: str = ""
    cohort: str = ""
    track: str = ""

    @classmethod
    def of(cls, values: Mapping[str, str]) -> Filters:
        def read(key: str) -> str:
            return values.get(key, "").strip()[:40]

        return cls(read("from"), read("to"), read("cohort"), read("track"))

    def query(self) -> str:
        """The filters as a query string, for links to the CSV files of the same figures."""
        pairs = {"from": self.start, "to": self.end, "cohort": self.cohort, "track": self.track}
        return urlencode({key: value for key, value in pairs.items() if value})


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Message
    definition: Message
    value: int | Decimal


@dataclass(frozen=True)
class ImpactView:
    filters: Filters
    choices: list[Cohort]  # the cohorts this reader may choose
    is_admin: bool
    type_names: dict[str, str]
    scope: Scope | None = None  # None when the filters need correcting
    cohort: Cohort | None = None
    report: ImpactReport | None = None
    errors: dict[str, Message] = field(default_factory=dict)

    @property
    def indicators(self) -> list[Indicator]:
        return [] if self.report is None else indicators_of(self.report)


def _choices(session: Session, user: User) -> list[Cohort]:
    return [*cohorts.trained_by(session, user=user),
            *cohorts.trained_by(session, user=user, archived=True)]  # fmt: skip


def _day(raw: str, key: str, errors: dict[str, Message]) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        errors[key] = Message(N_("Enter a date such as 2026-03-01 (years 2000 to 2999)."))
        return None
    return day


def scope_of(*, user: User, filters: Filters, choices: list[Cohort]) -> tuple[Scope, Cohort | None]:
    """The records this reader may count under these filters. A cohort they do not train
    is NotFound, as everywhere else; a badly typed filter is InvalidInput."""
    errors: dict[str, Message] = {}
    start, end = _day(filters.start, "from", errors), _day(filters.end, "to", errors)
    if start and end and start > end:
        errors["to"] = Message(N_("The end of the period cannot be before its start."))
    if filters.track and filters.track not in TRACKS:
        errors["track"] = Message(N_("Choose a track from the list."))
    cohort = None
    if filters.cohort and not (filters.cohort.isascii() and filters.cohort.isdigit()):
        errors["cohort"] = Message(N_("Choose a cohort from the list."))
    elif filters.cohort:
        cohort = next((c for c in choices if c.id == int(filters.cohort)), None)
        if cohort is None:
            raise NotFound()
    if errors:
        raise InvalidInput(errors)
    if cohort is not None:
        ids: tuple[int, ...] | None = (cohort.id or 0,)
    elif user.role == Role.admin.value:
        ids = None  # the whole program, also records that belong to no cohort
    else:
        ids = tuple(c.id for c in choices if c.id is not None)
    return Scope(ids, start, end, filters.track or None), cohort


def view(
    session: Session, *, user: User, filters: Filters, program: ProgramSpec, locale: str,
    min_group: int = 5,
) -> ImpactView:  # fmt: skip
    """The page: the figures, or the filters back with what to correct."""
    choices = _choices(session, user)
    names = type_names(program, locale)
    is_admin = user.role == Role.admin.value
    try:
        scope, cohort = scope_of(user=user, filters=filters, choices=choices)
    except InvalidInput as exc:
        return ImpactView(filters, choices, is_admin, names, errors=exc.errors)
    report = impact(session, scope, type_keys=[spec.key for spec in program.action_types])
    report = replace(report, by_gender=hide_small_groups(report.by_gender, min_group))
    return ImpactView(filters, choices, is_admin, names, scope, cohort, report)


def indicators_of(report: ImpactReport) -> list[Indicator]:
    values: dict[str, int | Decimal] = {
        "leaders_trained": report.leaders_trained,
        "learners_active": report.learners_active,
        "lessons_completed": report.lessons_completed,
        "training_hours": hours(report.training_minutes),
        "consultation_hours": hours(report.consultation_minutes),
        "verified_actions": report.verified_actions,
        "public_events": report.public_events,
        "public_event_participants": report.public_event_participants,
        "residents_mobilised": report.residents_mobilised,
        "leaders_mobilising": report.leaders_mobilising,
        "new_services": report.new_services,
        "volunteer_hours": hours(report.volunteer_minutes),
    }
    return [
        Indicator(key, Message(label), Message(definition), values[key])
        for key, (label, definition) in INDICATORS.items()
    ]


# --- CSV ----------------------------------------------------------------------------------


def _indicators_table(report: ImpactReport, _names: dict[str, str]) -> Table:
    headers = [Message(N_("Indicator")), Message(N_("Value")), Message(N_("Definition"))]
    rows: list[list[Value]] = [
        [item.label, str(item.value), item.definition] for item in indicators_of(report)
    ]
    return Table(headers, rows)


def _types_table(report: ImpactReport, names: dict[str, str]) -> Table:
    headers = [Message(N_("Kind of action")), Message(N_("Verified actions")),
               Message(N_("Residents mobilised")), Message(N_("Participants"))]  # fmt: skip
    return Table(headers, [[names.get(row.key, row.key), row.actions, row.residents,
                            row.participants] for row in report.by_type])  # fmt: skip


HIDDEN = Message(N_("small group, not shown"))


def _gender_table(report: ImpactReport, _names: dict[str, str]) -> Table:
    headers = [Message(N_("Gender (self-reported)")), Message(N_("Leaders trained")),
               Message(N_("Learners active")), Message(N_("Residents mobilised")),
               Message(N_("Leaders who mobilised residents"))]  # fmt: skip

    def shown(value: int | None) -> Value:
        return HIDDEN if value is None else value

    return Table(headers, [[GENDER_NAMES[row.gender], shown(row.leaders_trained),
                            shown(row.learners_active), shown(row.residents_mobilised),
                            shown(row.leaders_mobilising)] for row in report.by_gender])  # fmt: skip


def _cohorts_table(report: ImpactReport, _names: dict[str, str]) -> Table:
    headers = [Message(N_("Cohort")), Message(N_("Verified actions")),
               Message(N_("Residents mobilised")), Message(N_("Public events")),
               Message(N_("Participants in public events")),
               Message(N_("New services introduced")), Message(N_("Volunteer hours")),
               Message(N_("Consultation hours"))]  # fmt: skip
    rows: list[list[Value]] = [
        [row.name or Message(N_("No cohort")), row.actions, row.residents, row.public_events,
         row.participants, row.new_services, str(hours(row.volunteer_minutes)),
         str(hours(row.consultation_minutes))]
        for row in report.by_cohort
    ]  # fmt: skip
    return Table(headers, rows)


BUILDERS: dict[str, Callable[[ImpactReport, dict[str, str]], Table]] = {
    "indicators": _indicators_table,
    "actions_by_type": _types_table,
    "gender": _gender_table,
    "by_cohort": _cohorts_table,
}


def filename(table: str, scope: Scope, today: date | None = None) -> str:
    """ASCII only, and says what the file holds: which table, period, cohort and track."""
    parts = ["impact", table.replace("_", "-")]
    if scope.start:
        parts.append(f"from-{scope.start.isoformat()}")
    if scope.end:
        parts.append(f"to-{scope.end.isoformat()}")
    if scope.cohort_ids is not None and len(scope.cohort_ids) == 1:
        parts.append(f"cohort-{scope.cohort_ids[0]}")
    if scope.track:
        parts.append(scope.track)
    parts.append((today or date.today()).isoformat())
    return "-".join(parts) + ".csv"


def export(
    session: Session, *, user: User, filters: Filters, table: str, program: ProgramSpec,
    locale: str, min_group: int = 5,
) -> tuple[Table, str]:  # fmt: skip
    """One table of the report and its file name, with the audit entry in the same
    transaction. Bad filters are InvalidInput; another trainer's cohort is NotFound."""
    if table not in TABLES:
        raise InvalidInput({"table": Message(N_("Choose one of the report's tables."))})
    choices = _choices(session, user)
    scope, cohort = scope_of(user=user, filters=filters, choices=choices)
    report = impact(session, scope, type_keys=[spec.key for spec in program.action_types])
    report = replace(report, by_gender=hide_small_groups(report.by_gender, min_group))
    result = BUILDERS[table](report, type_names(program, locale))
    audit.record(session, actor=user, action="export.impact_report",
                 target_type="cohort" if cohort else "program",
                 target_id=cohort.id if cohort else None, table=table,
                 start=filters.start or None, end=filters.end or None,
                 track=filters.track or None)  # fmt: skip
    return result, filename(table, scope)
