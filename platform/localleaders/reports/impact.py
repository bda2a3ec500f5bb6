"""The impact report: every figure for one scope, computed from the records rather than
kept in spreadsheets.

Pure queries: the caller decides the :class:`~localleaders.reports.scope.Scope` (which
cohorts, days and track a reader may see) and this module counts within it. Only
verified actions count towards actions, residents, events, services and volunteer hours;
each action and consultation belongs to one cohort, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from localleaders.models import Cohort, CommunityAction, Consultation, User
from localleaders.reports.scope import (
    GENDERS,
    Scope,
    by_gender,
    cohort_records,
    days,
    verified,
)
from localleaders.reports.training import active_learners, lessons, trained_leaders

PUBLIC_EVENT = "public-event"
NEW_SERVICE = "new-service"
MAX_FILLED_MONTHS = 120


@dataclass(frozen=True)
class TypeRow:
    key: str
    actions: int
    residents: int
    participants: int


@dataclass(frozen=True)
class GenderRow:
    """Totals for one gender; None where the group is too small to show (see
    ``hide_small_groups``)."""

    gender: str
    leaders_trained: int | None
    learners_active: int | None
    residents_mobilised: int | None
    leaders_mobilising: int | None


def hide_small_groups(rows: list[GenderRow], min_group: int) -> list[GenderRow]:
    """A count of 1 to min_group-1 people could point at a person in a small cohort, so it
    is hidden; residents mobilised go with the number of leaders who mobilised them."""

    def small(value: int | None) -> bool:
        return value is not None and 0 < value < min_group

    hidden = []
    for row in rows:
        hidden.append(
            GenderRow(
                row.gender,
                None if small(row.leaders_trained) else row.leaders_trained,
                None if small(row.learners_active) else row.learners_active,
                None if small(row.leaders_mobilising) else row.residents_mobilised,
                None if small(row.leaders_mobilising) else row.leaders_mobilising,
            )
        )
    return hidden


@dataclass(frozen=True)
class CohortRow:
    cohort_id: int | None  # None: records that belong to no cohort
    name: str
    actions: int
    residents: int
    public_events: int
    participants: int  # of public events, like the headline figure
    new_services: int
    volunteer_minutes: int
    consultation_minutes: int


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    actions: int
    residents: int


@dataclass(frozen=True)
class ImpactReport:
    leaders_trained: int
    learners_active: int
    lessons_completed: int
    training_minutes: int
    consultation_minutes: int
    by_type: list[TypeRow]
    volunteer_minutes: int
    leaders_mobilising: int
    by_gender: list[GenderRow]
    by_cohort: list[CohortRow]
    by_month: list[MonthRow]

    @property
    def verified_actions(self) -> int:
        return sum(row.actions for row in self.by_type)

    @property
    def residents_mobilised(self) -> int:
        return sum(row.residents for row in self.by_type)

    def _type(self, key: str) -> TypeRow:
        return next((row for row in self.by_type if row.key == key), TypeRow(key, 0, 0, 0))

    @property
    def public_events(self) -> int:
        return self._type(PUBLIC_EVENT).actions

    @property
    def public_event_participants(self) -> int:
        return self._type(PUBLIC_EVENT).participants

    @property
    def new_services(self) -> int:
        return self._type(NEW_SERVICE).actions


def hours(minutes: int) -> Decimal:
    """Hours with one decimal, halves rounded up (45 minutes is 0.8 hours, not 0.7)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- consultations and verified actions -----------------------------------------------------


def consultation_minutes(session: Session, scope: Scope) -> dict[int | None, int]:
    """Minutes of consultations held in the period, by cohort (None: no cohort)."""
    rows = session.exec(
        select(Consultation.cohort_id, func.coalesce(func.sum(Consultation.minutes), 0))
        .where(*days(Consultation.held_on, scope), *cohort_records(Consultation.cohort_id, scope))
        .group_by(col(Consultation.cohort_id))
    ).all()
    return {cohort_id: int(minutes) for cohort_id, minutes in rows}


def actions_by_type(
    session: Session, scope: Scope, type_keys: Sequence[str]
) -> tuple[list[TypeRow], int]:
    """Every type of the program rules (zeros included), then any other type found in the
    records (a type since removed from the rules); and the volunteer minutes of them all."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            CommunityAction.type,
            func.count(),
            func.coalesce(func.sum(CommunityAction.residents_mobilised), 0),
            func.coalesce(func.sum(CommunityAction.participants), 0),
            func.coalesce(func.sum(CommunityAction.volunteer_minutes), 0),
        )
        .where(*verified(scope))
        .group_by(col(CommunityAction.type))
    ).all()
    found = {key: TypeRow(key, int(n), int(res), int(par)) for key, n, res, par, _vol in rows}
    ordered = [found.pop(key, TypeRow(key, 0, 0, 0)) for key in type_keys]
    volunteer = sum(int(vol) for *_rest, vol in rows)
    return ordered + sorted(found.values(), key=lambda row: row.key), volunteer


def mobilising_by_gender(session: Session, scope: Scope) -> tuple[dict[str, int], dict[str, int]]:
    """(residents mobilised, distinct leaders who mobilised anyone), by the leader's gender."""
    mobilising = case((col(CommunityAction.residents_mobilised) > 0, CommunityAction.user_id))
    rows = session.exec(
        select(
            User.gender,
            func.coalesce(func.sum(CommunityAction.residents_mobilised), 0),
            func.count(func.distinct(mobilising)),
        )
        .select_from(CommunityAction)
        .join(User, col(User.id) == col(CommunityAction.user_id))
        .where(*verified(scope))
        .group_by(col(User.gender))
    ).all()
    return (
        by_gender((gender, residents) for gender, residents, _leaders in rows),
        by_gender((gender, leaders) for gender, _residents, leaders in rows),
    )


def by_cohort(session: Session, scope: Scope) -> list[CohortRow]:
    """Verified-action figures and consultation minutes per cohort. Each record belongs to
    one cohort, so the rows add up to the totals."""
    is_event = col(CommunityAction.type) == PUBLIC_EVENT
    rows = session.exec(
        select(  # type: ignore[call-overload]
            CommunityAction.cohort_id,
            func.count(),
            func.coalesce(func.sum(CommunityAction.residents_mobilised), 0),
            func.coalesce(func.sum(case((is_event, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_event, CommunityAction.participants), else_=0)), 0),
            func.coalesce(
                func.sum(case((col(CommunityAction.type) == NEW_SERVICE, 1), else_=0)), 0
            ),
            func.coalesce(func.sum(CommunityAction.volunteer_minutes), 0),
        )
        .where(*verified(scope))
        .group_by(col(CommunityAction.cohort_id))
    ).all()
    figures = {row[0]: [int(value) for value in row[1:]] for row in rows}
    consultations = consultation_minutes(session, scope)
    ids = set(figures) | set(consultations)
    if scope.track is None:  # every cohort in scope has a row; with a track, those taking it
        ids |= set(scope.cohort_ids or ())
    names = dict(
        session.exec(
            select(Cohort.id, Cohort.name).where(col(Cohort.id).in_([i for i in ids if i]))
        ).all()
    )
    result = []
    for cohort_id in ids:
        actions, residents, events, participants, services, volunteer = figures.get(
            cohort_id, [0] * 6
        )
        name = names.get(cohort_id, "") if cohort_id else ""
        result.append(CohortRow(cohort_id, name, actions, residents, events, participants,
                                services, volunteer, consultations.get(cohort_id, 0)))  # fmt: skip
    return sorted(
        result, key=lambda row: (row.cohort_id is None, row.name.casefold(), row.cohort_id or 0)
    )


def by_month(session: Session, scope: Scope) -> list[MonthRow]:
    """Verified actions and residents mobilised per calendar month, from the first month
    with any to the last, months without any included as zeros (over ten years or more,
    only the months with actions: a mistyped year must not draw thousands of points)."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            CommunityAction.happened_on,
            func.count(),
            func.coalesce(func.sum(CommunityAction.residents_mobilised), 0),
        )
        .where(*verified(scope))
        .group_by(col(CommunityAction.happened_on))
    ).all()
    totals: dict[date, tuple[int, int]] = {}
    for day, count, residents in rows:
        actions, people = totals.get(day.replace(day=1), (0, 0))
        totals[day.replace(day=1)] = (actions + int(count), people + int(residents))
    months = sorted(totals)
    if months and _months_between(months[0], months[-1]) < MAX_FILLED_MONTHS:
        months, month = [], months[0]
        while month <= max(totals):
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
    return [MonthRow(month, *totals.get(month, (0, 0))) for month in months]


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


# --- the whole report -----------------------------------------------------------------------


def impact(session: Session, scope: Scope, *, type_keys: Sequence[str]) -> ImpactReport:
    """Every figure of the report for one scope; ``type_keys`` are the program's action
    types, in the order the rules list them."""
    lessons_done, training = lessons(session, scope)
    trained = trained_leaders(session, scope)
    active = active_learners(session, scope)
    types, volunteer = actions_by_type(session, scope, type_keys)
    residents, leaders = mobilising_by_gender(session, scope)
    genders = [
        GenderRow(key, trained[key], active[key], residents[key], leaders[key]) for key in GENDERS
    ]
    return ImpactReport(
        leaders_trained=sum(trained.values()),
        learners_active=sum(active.values()),
        lessons_completed=lessons_done,
        training_minutes=training,
        consultation_minutes=sum(consultation_minutes(session, scope).values()),
        by_type=types,
        volunteer_minutes=volunteer,
        leaders_mobilising=sum(leaders.values()),
        by_gender=genders,
        by_cohort=by_cohort(session, scope),
        by_month=by_month(session, scope),
    )
