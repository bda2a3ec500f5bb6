"""Community actions: a learner logs one, edits it until it is verified, and submits it
to the trainers of their cohort, who verify it, ask for changes or reject it.

Points follow verification. The points an action should carry are derived from its state
and the program rules; the ledger holds what was awarded; a difference is settled with a
new ledger row (never by editing one), so a correction later re-derives the points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from localleaders.catalog.program import ProgramSpec
from localleaders.gamification import badges, guard
from localleaders.gamification.engine import Rewards
from localleaders.gamification.points import action_due
from localleaders.i18n import N_, Message
from localleaders.models import (
    ActionReview,
    ActionRevision,
    ActionStatus,
    Cohort,
    CohortMember,
    CohortStatus,
    CohortTrainer,
    CommunityAction,
    Course,
    Lesson,
    ReviewDecision,
    Role,
    User,
    Visibility,
)
from localleaders.models.base import utcnow
from localleaders.services import audit
from localleaders.services.accounts import clean_text
from localleaders.services.errors import Conflict, Forbidden, InvalidInput, NotFound

MAX_COUNT = 1_000_000
MAX_LINKS = 5
EDITABLE = {ActionStatus.draft.value, ActionStatus.submitted.value,
            ActionStatus.changes_requested.value}  # fmt: skip
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
FIELDS = ("type", "title", "happened_on", "description", "outcome", "residents_mobilised",
          "participants", "volunteer_minutes", "organisations", "place", "links", "visibility",
          "lesson_id", "cohort_id")  # fmt: skip


@dataclass
class ActionForm:
    """The form as typed. ``volunteer_hours`` accepts "1,5" as well as "1.5"."""

    type: str = ""
    title: str = ""
    happened_on: str = ""
    description: str = ""
    outcome: str = ""
    residents_mobilised: str = "0"
    participants: str = "0"
    volunteer_hours: str = "0"
    organisations: str = ""
    place: str = ""
    links: str = ""
    visibility: str = Visibility.cohort.value
    lesson: str = ""  # "course-slug/lesson-slug" of the lesson that inspired it
    cohort_id: str = ""


def latest_allowed_day(now: datetime | None = None) -> date:
    """ "Not in the future" anywhere people live: UTC+14 is the last time zone to see a day."""
    return ((now or utcnow()).astimezone(UTC) + timedelta(hours=14)).date()


def _count(value: str, name: str, errors: dict[str, Message]) -> int:
    text = value.strip().replace(" ", "").replace("\u00a0", "") or "0"
    if not text.isdigit() or int(text) > MAX_COUNT:
        errors[name] = Message(N_("Enter a whole number from 0 to %(max)s."), {"max": "1000000"})
        return 0
    return int(text)


def _minutes(value: str, errors: dict[str, Message]) -> int:
    text = value.strip().replace(",", ".") or "0"
    try:
        hours = float(text)
    except ValueError:
        hours = -1
    if not 0 <= hours <= 100_000 or hours != hours:  # also refuses NaN
        errors["volunteer_hours"] = Message(N_("Enter hours, for example 3 or 1.5."))
        return 0
    return round(hours * 60)


def learner_cohorts(session: Session, *, user_id: int) -> list[Cohort]:
    """Open cohorts the learner belongs to: an action goes to one of them for review."""
    return list(
        session.exec(
            select(Cohort)
            .join(CohortMember, col(CohortMember.cohort_id) == col(Cohort.id))
            .where(CohortMember.user_id == user_id, Cohort.status == CohortStatus.open.value)
            .order_by(col(Cohort.starts_on).desc())
        )
    )


def _lesson_id(session: Session, reference: str, errors: dict[str, Message]) -> int | None:
    if not reference.strip():
        return None
    course_slug, _, slug = reference.strip().partition("/")
    lesson_id = session.exec(
        select(Lesson.id)
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .where(Course.slug == course_slug, Lesson.slug == slug, col(Lesson.is_published))
    ).first()
    if lesson_id is None:
        errors["lesson"] = Message(N_("Choose a lesson from the list."))
    return lesson_id


def _checked(
    session: Session, form: ActionForm, user: User, program: ProgramSpec
) -> dict[str, Any]:
    errors: dict[str, Message] = {}
    types = {action.key for action in program.action_types}
    if form.type not in types:
        errors["type"] = Message(N_("Choose the kind of action."))
    title = clean_text(form.title)
    if not 3 <= len(title) <= 120:
        errors["title"] = Message(N_("Use 3 to 120 characters."))
    try:
        happened = date.fromisoformat(form.happened_on.strip())
    except ValueError:
        happened = None
        errors["happened_on"] = Message(N_("Enter a date."))
    if happened is not None and happened > latest_allowed_day():
        errors["happened_on"] = Message(N_("The date cannot be in the future."))
    description, outcome = form.description.strip(), form.outcome.strip()
    if len(description) > 5000:
        errors["description"] = Message(N_("Use at most %(max)d characters."), {"max": 5000})
    if len(outcome) > 3000:
        errors["outcome"] = Message(N_("Use at most %(max)d characters."), {"max": 3000})
    organisations, place = clean_text(form.organisations), clean_text(form.place)
    if len(organisations) > 300:
        errors["organisations"] = Message(N_("Use at most %(max)d characters."), {"max": 300})
    if len(place) > 80 or any(ch.isdigit() for ch in place):
        errors["place"] = Message(N_("Only a town or district, without a street or house number."))
    links = [line.strip() for line in form.links.splitlines() if line.strip()]
    if len(links) > MAX_LINKS or any(len(link) > 500 or not URL.match(link) for link in links):
        errors["links"] = Message(
            N_("Up to %(max)d links, one per line, each starting with https://."),
            {"max": MAX_LINKS},
        )
    if form.visibility not in {v.value for v in Visibility}:
        errors["visibility"] = Message(N_("Choose who may see it."))
    residents = _count(form.residents_mobilised, "residents_mobilised", errors)
    participants = _count(form.participants, "participants", errors)
    minutes = _minutes(form.volunteer_hours, errors)
    lesson_id = _lesson_id(session, form.lesson, errors)
    cohorts = {c.id: c for c in learner_cohorts(session, user_id=user.id or 0)}
    cohort_id: int | None = None
    if form.cohort_id.strip():
        if not form.cohort_id.strip().isdigit() or int(form.cohort_id) not in cohorts:
            errors["cohort_id"] = Message(N_("Choose one of your cohorts."))
        else:
            cohort_id = int(form.cohort_id)
    elif len(cohorts) == 1:
        cohort_id = next(iter(cohorts))
    if errors:
        raise InvalidInput(errors)
    return {
        "type": form.type, "title": title, "happened_on": happened, "description": description,
        "outcome": outcome, "residents_mobilised": residents, "participants": participants,
        "volunteer_minutes": minutes, "organisations": organisations, "place": place,
        "links": links, "visibility": form.visibility, "lesson_id": lesson_id,
        "cohort_id": cohort_id,
    }  # fmt: skip


def _snapshot(action: CommunityAction) -> dict[str, Any]:
    values = {name: getattr(action, name) for name in FIELDS}
    values["happened_on"] = action.happened_on.isoformat()
    values["status"] = action.status
    return values


def _revise(session: Session, action: CommunityAction, editor: User) -> None:
    session.add(ActionRevision(action_id=action.id or 0, version=action.version,
                               editor_id=editor.id, snapshot=_snapshot(action)))  # fmt: skip


def _require_cohort(action: CommunityAction) -> None:
    if action.cohort_id is None:
        raise InvalidInput({"cohort_id": Message(
            N_("Join a cohort first: its trainers verify your actions. You can keep this as a draft."))})  # fmt: skip


def create(
    session: Session, *, user: User, form: ActionForm, program: ProgramSpec, submit: bool
) -> CommunityAction:
    values = _checked(session, form, user, program)
    guard.count(session, program, user_id=user.id or 0, event="action_logged",
                subject=values["title"])  # fmt: skip
    action = CommunityAction(user_id=user.id or 0, **values)
    if submit:
        _require_cohort(action)
        _mark_submitted(action, program)
    session.add(action)
    session.flush()
    _revise(session, action, user)
    rewards = Rewards(session, program, user.id or 0)
    rewards.active()  # logging an action keeps the weekly streak going
    rewards.finish()
    return action


def _mark_submitted(action: CommunityAction, program: ProgramSpec) -> None:
    action.status = ActionStatus.submitted.value
    action.submitted_at = utcnow()
    threshold = program.actions.second_verification_residents
    action.needs_second_verification = action.residents_mobilised >= threshold


def owned(session: Session, *, user: User, action_id: int) -> CommunityAction:
    action = session.get(CommunityAction, action_id)
    if action is None or action.user_id != user.id:
        raise NotFound()
    return action


def update(
    session: Session, *, user: User, action_id: int, form: ActionForm, program: ProgramSpec,
    submit: bool,
) -> CommunityAction:  # fmt: skip
    action = owned(session, user=user, action_id=action_id)
    if action.status not in EDITABLE:
        raise Conflict(Message(N_("A verified or rejected action can no longer be changed.")))
    for name, value in _checked(session, form, user, program).items():
        setattr(action, name, value)
    action.version += 1
    action.updated_at = utcnow()
    if submit or action.status == ActionStatus.submitted.value:
        _require_cohort(action)
        _mark_submitted(action, program)
    session.add(action)
    session.flush()
    _revise(session, action, user)
    return action


def submit(session: Session, *, user: User, action_id: int, program: ProgramSpec) -> None:
    action = owned(session, user=user, action_id=action_id)
    if action.status not in (ActionStatus.draft.value, ActionStatus.changes_requested.value):
        raise Conflict(Message(N_("This action has already been submitted.")))
    _require_cohort(action)
    _mark_submitted(action, program)
    action.version += 1
    action.updated_at = utcnow()
    session.add(action)
    session.flush()
    _revise(session, action, user)


def delete_draft(session: Session, *, user: User, action_id: int) -> None:
    """Deletes a draft; its photo rows go by cascade (the caller removes their files with
    photos.discard_files in the same transaction)."""
    action = owned(session, user=user, action_id=action_id)
    if action.status != ActionStatus.draft.value:
        raise Conflict(Message(N_("Only drafts can be deleted.")))
    session.delete(action)


# --- reviewing ------------------------------------------------------------------------


def for_reviewer(session: Session, *, user: User, action_id: int) -> CommunityAction:
    """An action a trainer may review: of a cohort they train (admins: any), never their own."""
    action = session.get(CommunityAction, action_id)
    if action is None or action.status == ActionStatus.draft.value or action.cohort_id is None:
        raise NotFound()
    if user.role == Role.admin.value:
        return action
    trains = session.exec(
        select(CohortTrainer.user_id).where(
            CohortTrainer.cohort_id == action.cohort_id, CohortTrainer.user_id == user.id
        )
    ).first()
    if user.role != Role.trainer.value or trains is None:
        raise NotFound()
    return action


def verifications(session: Session, action: CommunityAction) -> list[int | None]:
    """Reviewers who verified the current version (None: an account erased since)."""
    return list(
        session.exec(
            select(ActionReview.reviewer_id).where(
                ActionReview.action_id == action.id,
                ActionReview.version == action.version,
                ActionReview.decision == ReviewDecision.verify.value,
            )
        ).all()
    )  # type: ignore[arg-type]


def review(
    session: Session, *, reviewer: User, action_id: int, decision: str, comment: str,
    program: ProgramSpec,
) -> CommunityAction:  # fmt: skip
    action = for_reviewer(session, user=reviewer, action_id=action_id)
    if action.user_id == reviewer.id:
        raise Forbidden()
    if action.status != ActionStatus.submitted.value:
        raise Conflict(Message(N_("This action is not waiting for review.")))
    comment = comment.strip()
    if decision not in {d.value for d in ReviewDecision}:
        raise InvalidInput({"decision": Message(N_("Choose a decision."))})
    if decision != ReviewDecision.verify.value and not 3 <= len(comment) <= 2000:
        raise InvalidInput(
            {"comment": Message(N_("Tell the learner why, in 3 to 2000 characters."))}
        )
    if len(comment) > 2000:
        raise InvalidInput(
            {"comment": Message(N_("Use at most %(max)d characters."), {"max": 2000})}
        )
    if decision == ReviewDecision.verify.value and reviewer.id in verifications(session, action):
        raise Conflict(Message(N_("A second trainer has to verify this large claim.")))
    session.add(ActionReview(action_id=action.id or 0, version=action.version,
                             reviewer_id=reviewer.id, decision=decision, comment=comment))  # fmt: skip
    session.flush()
    if decision == ReviewDecision.verify.value:
        needed = 2 if action.needs_second_verification else 1
        if len(verifications(session, action)) >= needed:
            action.status = ActionStatus.verified.value
            action.verified_at = utcnow()
    elif decision == ReviewDecision.changes.value:
        action.status = ActionStatus.changes_requested.value
    else:
        action.status = ActionStatus.rejected.value
    session.add(action)
    settle_points(session, action, program)
    audit.record(session, actor=reviewer, action=f"action.{decision}", target_type="action",
                 target_id=action.id, status=action.status)  # fmt: skip
    return action


def reopen(
    session: Session, *, reviewer: User, action_id: int, comment: str, program: ProgramSpec
) -> CommunityAction:
    """A correction after verification: the action goes back to the learner for changes and
    its points are taken back through a new ledger row until it is verified again."""
    action = for_reviewer(session, user=reviewer, action_id=action_id)
    if action.status != ActionStatus.verified.value:
        raise Conflict(Message(N_("Only a verified action can be reopened.")))
    comment = comment.strip()
    if not 3 <= len(comment) <= 2000:
        raise InvalidInput(
            {"comment": Message(N_("Tell the learner why, in 3 to 2000 characters."))}
        )
    session.add(ActionReview(action_id=action.id or 0, version=action.version,
                             reviewer_id=reviewer.id, decision=ReviewDecision.changes.value,
                             comment=comment))  # fmt: skip
    action.status = ActionStatus.changes_requested.value
    action.verified_at = None
    session.add(action)
    session.flush()
    settle_points(session, action, program)
    audit.record(session, actor=reviewer, action="action.reopen", target_type="action",
                 target_id=action.id)  # fmt: skip
    return action


def settle_points(session: Session, action: CommunityAction, program: ProgramSpec) -> int:
    """Appends the difference between the points due and those awarded; returns it. Badges
    for verified actions are checked in the same transaction (the learner sees them in their
    notifications)."""
    rewards = Rewards(session, program, action.user_id)
    difference = rewards.settle(f"action:{action.id}", action_due(action, program),
                                reason="action_verified", correction="action_correction",
                                note=action.title)  # fmt: skip
    if action.status == ActionStatus.verified.value:
        rewards.check(badges.ACTION_KINDS)
    rewards.finish()
    return difference


def queue(session: Session, *, user: User) -> list[CommunityAction]:
    """Submitted actions of the trainer's cohorts, oldest first; without their own actions
    and without those they already verified (which wait for a second trainer)."""
    query = select(CommunityAction).where(CommunityAction.status == ActionStatus.submitted.value)
    if user.role != Role.admin.value:
        query = query.join(
            CohortTrainer, col(CohortTrainer.cohort_id) == col(CommunityAction.cohort_id)
        ).where(CohortTrainer.user_id == user.id)
    query = query.where(CommunityAction.user_id != user.id)
    mine = (
        select(ActionReview.action_id)
        .where(
            ActionReview.reviewer_id == user.id,
            ActionReview.decision == ReviewDecision.verify.value,
            ActionReview.version == CommunityAction.version,
            ActionReview.action_id == CommunityAction.id,
        )
        .exists()
    )
    query = query.where(~mine).order_by(col(CommunityAction.submitted_at))
    return list(session.exec(query))


def waiting_counts(session: Session, *, cohort_ids: list[int]) -> dict[int, int]:
    """Submitted actions per cohort, for the trainer's dashboard."""
    if not cohort_ids:
        return {}
    rows = session.exec(
        select(CommunityAction.cohort_id, func.count())
        .where(
            col(CommunityAction.cohort_id).in_(cohort_ids),
            CommunityAction.status == ActionStatus.submitted.value,
        )
        .group_by(col(CommunityAction.cohort_id))
    )
    return {cohort_id: count for cohort_id, count in rows.all() if cohort_id is not None}


@dataclass(frozen=True)
class FeedItem:
    action: CommunityAction
    display_name: str


def feed(session: Session, *, cohort_id: int, limit: int = 20) -> list[FeedItem]:
    """Verified actions members chose to show to their cohort, under display names only."""
    rows = session.exec(
        select(CommunityAction, User.display_name)
        .join(User, col(User.id) == col(CommunityAction.user_id))
        .where(
            CommunityAction.cohort_id == cohort_id,
            CommunityAction.status == ActionStatus.verified.value,
            CommunityAction.visibility == Visibility.cohort.value,
        )
        .order_by(col(CommunityAction.verified_at).desc(), col(CommunityAction.id).desc())
        .limit(limit)
    ).all()
    return [FeedItem(action, name) for action, name in rows]


def mine(session: Session, *, user_id: int) -> list[CommunityAction]:
    return list(
        session.exec(
            select(CommunityAction)
            .where(CommunityAction.user_id == user_id)
            .order_by(col(CommunityAction.happened_on).desc(), col(CommunityAction.id).desc())
        )
    )


@dataclass(frozen=True)
class HistoryItem:
    when: datetime
    kind: str  # "saved", "submitted" or a review decision
    who: str
    version: int
    comment: str = ""
    changed: list[str] = field(default_factory=list)


def history(session: Session, *, action: CommunityAction) -> list[HistoryItem]:
    """Saves (with the fields each changed) and reviews, oldest first."""
    revisions = list(session.exec(select(ActionRevision).where(
        ActionRevision.action_id == action.id).order_by(col(ActionRevision.version))))  # fmt: skip
    reviews = list(session.exec(select(ActionReview).where(
        ActionReview.action_id == action.id).order_by(col(ActionReview.id))))  # fmt: skip
    people = {r.editor_id for r in revisions} | {r.reviewer_id for r in reviews}
    names = dict(session.exec(select(User.id, User.display_name).where(
        col(User.id).in_([p for p in people if p is not None]))).all())  # fmt: skip
    items: list[HistoryItem] = []
    previous: dict[str, Any] = {}
    for revision in revisions:
        changed = [
            name
            for name in FIELDS
            if previous and previous.get(name) != revision.snapshot.get(name)
        ]
        submitted = revision.snapshot.get("status") == ActionStatus.submitted.value and (
            previous.get("status") != ActionStatus.submitted.value
        )
        kind = "submitted" if submitted else "saved"
        items.append(HistoryItem(revision.created_at, kind, names.get(revision.editor_id, ""),
                                 revision.version, changed=changed))  # fmt: skip
        previous = revision.snapshot
    for item in reviews:
        items.append(HistoryItem(item.created_at, item.decision, names.get(item.reviewer_id, ""),
                                 item.version, comment=item.comment))  # fmt: skip
    return sorted(items, key=lambda item: item.when)
