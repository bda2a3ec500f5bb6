"""Mentoring consultations trainers hold with learners. The private note is for trainers:
learners see their consultations without it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification.engine import Rewards
from localleaders.i18n import N_, Message
from localleaders.models import Cohort, Consultation, User
from localleaders.services import audit, cohorts
from localleaders.services.actions import latest_allowed_day
from localleaders.services.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ConsultationForm:
    learner_id: str
    held_on: str
    minutes: str
    topic: str
    note: str = ""


def log(
    session: Session, *, trainer: User, cohort: Cohort, form: ConsultationForm, rules: ProgramSpec
) -> Consultation:
    """Logs one consultation with a learner of a cohort the trainer runs; attending earns the
    learner points by the rules."""
    cohorts.require_open(cohort)
    errors: dict[str, Message] = {}
    learner: User | None = None
    if form.learner_id.strip().isdigit():
        try:
            learner = cohorts.member_in_cohort(session, cohort=cohort, user_id=int(form.learner_id))
        except NotFound:  # not a learner of this cohort
            learner = None
    if learner is None:
        errors["learner_id"] = Message(N_("Choose a learner of this cohort."))
    try:
        held = date.fromisoformat(form.held_on.strip())
        if held > latest_allowed_day():
            errors["held_on"] = Message(N_("The date cannot be in the future."))
    except ValueError:
        held = None
        errors["held_on"] = Message(N_("Enter a date."))
    minutes = form.minutes.strip()
    if not minutes.isdigit() or not 5 <= int(minutes) <= 600:
        errors["minutes"] = Message(N_("Enter minutes from 5 to 600."))
    topic = " ".join(form.topic.split())
    if not 3 <= len(topic) <= 200:
        errors["topic"] = Message(N_("Use 3 to 200 characters."))
    note = form.note.strip()
    if len(note) > 2000:
        errors["note"] = Message(N_("Use at most %(max)d characters."), {"max": 2000})
    if errors:
        raise InvalidInput(errors)
    assert learner is not None and held is not None
    item = Consultation(trainer_id=trainer.id, learner_id=learner.id or 0, cohort_id=cohort.id,
                        held_on=held, minutes=int(minutes), topic=topic, private_note=note)  # fmt: skip
    session.add(item)
    session.flush()
    rewards = Rewards(session, rules, learner.id or 0)
    rewards.points(rules.points.consultation, reason="consultation",
                   source_key=f"consultation:{item.id}", note=topic)  # fmt: skip
    rewards.finish()
    audit.record(session, actor=trainer, action="consultation.log", target_type="cohort",
                 target_id=cohort.id, consultation_id=item.id, learner_id=learner.id)  # fmt: skip
    return item


@dataclass(frozen=True)
class ConsultationRow:
    item: Consultation
    learner: str
    trainer: str


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted)))
    return dict(rows.all())


def of_cohort(session: Session, *, cohort_id: int) -> list[ConsultationRow]:
    items = list(session.exec(
        select(Consultation).where(Consultation.cohort_id == cohort_id)
        .order_by(col(Consultation.held_on).desc(), col(Consultation.id).desc())))  # fmt: skip
    people: set[int | None] = {i.trainer_id for i in items}
    people.update(i.learner_id for i in items)
    names = _names(session, people)
    return [ConsultationRow(i, names.get(i.learner_id, ""), names.get(i.trainer_id, ""))
            for i in items]  # fmt: skip


@dataclass(frozen=True)
class LearnerConsultation:
    """What a learner sees of a consultation: never the trainer's private note."""

    held_on: date
    minutes: int
    topic: str
    trainer: str


def of_learner(session: Session, *, learner_id: int) -> list[LearnerConsultation]:
    items = list(session.exec(
        select(Consultation).where(Consultation.learner_id == learner_id)
        .order_by(col(Consultation.held_on).desc(), col(Consultation.id).desc())))  # fmt: skip
    names = _names(session, {i.trainer_id for i in items})
    return [LearnerConsultation(i.held_on, i.minutes, i.topic, names.get(i.trainer_id, ""))
            for i in items]  # fmt: skip
