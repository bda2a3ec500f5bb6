"""CSV exports of a cohort's progress, quiz results, actions and consultations, for
trainers' spreadsheets.

Written as UTF-8 with a byte-order mark, because that is how spreadsheet programs know
to read Cyrillic names correctly. A cell that starts like a formula gets a leading
apostrophe, so an exported display name such as ``=HYPERLINK(...)`` stays text (CSV
injection). Every export is written to the audit log in the same transaction.
"""

from __future__ import annotations

import csv
import gettext
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.i18n import N_, Message
from localleaders.models import (
    ActionStatus,
    Cohort,
    CohortMember,
    CommunityAction,
    Consultation,
    QuizAttempt,
    User,
    UserPoints,
)
from localleaders.services import audit
from localleaders.services import progress_matrix as matrix

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES, NO = Message(N_("yes")), Message(N_("no"))

Value = str | int | Message | None
Kind = Literal["progress", "quiz_results", "actions", "consultations"]
# The same words the action pages use, so the file reads like the screen.
STATUS_NAMES = {
    ActionStatus.submitted.value: Message(N_("Waiting for review")),
    ActionStatus.changes_requested.value: Message(N_("Changes requested")),
    ActionStatus.verified.value: Message(N_("Verified")),
    ActionStatus.rejected.value: Message(N_("Not accepted")),
}


@dataclass(frozen=True)
class Table:
    headers: list[Message]
    rows: list[list[Value]]


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value: datetime | None) -> str:
    """UTC, in the one format every spreadsheet program reads as a date and time."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _cell(value: Value, translations: gettext.NullTranslations) -> str | int:
    if value is None:
        return ""
    if isinstance(value, Message):
        return neutralise(value.translate(translations))
    if isinstance(value, int):
        return value
    return neutralise(value)


def to_csv(table: Table, translations: gettext.NullTranslations) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(header, translations) for header in table.headers])
    writer.writerows([_cell(value, translations) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8")


def filename(cohort: Cohort, kind: Kind, today: date | None = None) -> str:
    """ASCII only: cohort names may be Cyrillic, and not every browser reads RFC 5987."""
    stamp = (today or date.today()).isoformat()
    return f"cohort-{cohort.id}-{kind.replace('_', '-')}-{stamp}.csv"


def _hours(minutes: int) -> str:
    """Hours with a decimal point ("1.5"), as the volunteer-hours field takes them."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def type_names(program: ProgramSpec | None, locale: str) -> dict[str, str]:
    """Each action type's name in the reader's language, then English, then any."""
    names: dict[str, str] = {}
    for spec in program.action_types if program else []:
        name = spec.name
        if not isinstance(name, str):
            texts: dict[str, str] = {str(lang): text for lang, text in name.items()}
            name = texts.get(locale) or texts.get("en") or next(iter(texts.values()), spec.key)
        names[spec.key] = name
    return names


def _progress(session: Session, cohort: Cohort, locale: str, _types: dict[str, str]) -> Table:
    columns = matrix.lesson_columns(session, cohort=cohort, locale=locale)
    rows = matrix.learner_rows(session, cohort=cohort, columns=columns)
    points = dict(
        session.exec(
            select(UserPoints.user_id, UserPoints.total)
            .join(CohortMember, col(CohortMember.user_id) == col(UserPoints.user_id))
            .where(CohortMember.cohort_id == cohort.id)
        ).all()
    )
    headers = [
        Message(N_("Display name")), Message(N_("Username")), Message(N_("Joined")),
        Message(N_("Lessons done")), Message(N_("Completion %")),
        Message(N_("Average quiz %")), Message(N_("Last activity (UTC)")), Message(N_("Points")),
        Message(N_("Verified actions")),
    ]  # fmt: skip
    return Table(headers, [
        [row.display_name, row.username, row.joined_at.date().isoformat(), row.done,
         row.percent, row.quiz, _when(row.last_activity), points.get(row.user_id, 0),
         row.verified_actions]
        for row in rows
    ])  # fmt: skip


def _quiz_results(session: Session, cohort: Cohort, locale: str, _types: dict[str, str]) -> Table:
    columns = matrix.lesson_columns(session, cohort=cohort, locale=locale)
    where = {lesson.id: (lesson, group.course) for group in columns.courses
             for lesson in group.lessons}  # fmt: skip
    attempts = session.exec(
        select(User.display_name, User.username, QuizAttempt)
        .join(CohortMember, col(CohortMember.user_id) == col(User.id))
        .join(QuizAttempt, col(QuizAttempt.user_id) == col(User.id))
        .where(CohortMember.cohort_id == cohort.id, col(QuizAttempt.lesson_id).in_(where))
        .order_by(col(User.display_name), col(User.username), col(QuizAttempt.created_at))
    ).all()
    headers = [
        Message(N_("Learner")), Message(N_("Username")), Message(N_("Course")),
        Message(N_("Lesson")), Message(N_("Date (UTC)")), Message(N_("Correct")),
        Message(N_("Questions")), Message(N_("Passed")),
    ]  # fmt: skip
    rows: list[list[Value]] = []
    for name, username, attempt in attempts:
        lesson, course = where[attempt.lesson_id]
        rows.append([name, username, course.title, lesson.title, _when(attempt.created_at),
                     attempt.correct, attempt.total, YES if attempt.passed else NO])  # fmt: skip
    return Table(headers, rows)


def _actions(session: Session, cohort: Cohort, _locale: str, types: dict[str, str]) -> Table:
    """Every action of the cohort but drafts, which are the learner's own until submitted."""
    found = session.exec(
        select(User.display_name, User.username, CommunityAction)
        .join(CommunityAction, col(CommunityAction.user_id) == col(User.id))
        .where(CommunityAction.cohort_id == cohort.id,
               CommunityAction.status != ActionStatus.draft.value)
        .order_by(col(CommunityAction.happened_on), col(CommunityAction.id))
    ).all()  # fmt: skip
    headers = [
        Message(N_("Learner")), Message(N_("Username")), Message(N_("Kind of action")),
        Message(N_("Title")), Message(N_("Date")), Message(N_("Status")),
        Message(N_("Residents mobilised")), Message(N_("Participants")),
        Message(N_("Volunteer hours")), Message(N_("Town or district")),
        Message(N_("Submitted (UTC)")), Message(N_("Verified (UTC)")),
    ]  # fmt: skip
    return Table(headers, [
        [name, username, types.get(a.type, a.type), a.title, a.happened_on.isoformat(),
         STATUS_NAMES.get(a.status, a.status), a.residents_mobilised, a.participants,
         _hours(a.volunteer_minutes), a.place, _when(a.submitted_at), _when(a.verified_at)]
        for name, username, a in found
    ])  # fmt: skip


def _consultations(session: Session, cohort: Cohort, _locale: str, _types: dict[str, str]) -> Table:
    """With the trainers' private notes: the file is for the cohort's trainers only."""
    trainer = aliased(User)
    found = session.exec(
        select(Consultation, User.display_name, User.username, trainer.display_name)
        .join(User, col(User.id) == col(Consultation.learner_id))
        .outerjoin(trainer, col(trainer.id) == col(Consultation.trainer_id))
        .where(Consultation.cohort_id == cohort.id)
        .order_by(col(Consultation.held_on), col(Consultation.id))
    ).all()
    headers = [
        Message(N_("Date")), Message(N_("Learner")), Message(N_("Username")),
        Message(N_("Trainer")), Message(N_("Minutes")), Message(N_("Topic")),
        Message(N_("Private note")),
    ]  # fmt: skip
    return Table(headers, [
        [item.held_on.isoformat(), name, username, by, item.minutes, item.topic,
         item.private_note]
        for item, name, username, by in found
    ])  # fmt: skip


Builder = Callable[[Session, Cohort, str, dict[str, str]], Table]
BUILDERS: dict[str, Builder] = {
    "progress": _progress,
    "quiz_results": _quiz_results,
    "actions": _actions,
    "consultations": _consultations,
}


def export(
    session: Session, *, actor: User, cohort: Cohort, kind: Kind, locale: str,
    program: ProgramSpec | None = None,
) -> Table:  # fmt: skip
    """The table, with its audit entry in the same transaction (who exported what, when)."""
    table = BUILDERS[kind](session, cohort, locale, type_names(program, locale))
    audit.record(session, actor=actor, action=f"export.{kind}", target_type="cohort",
                 target_id=cohort.id, rows=len(table.rows))  # fmt: skip
    return table
