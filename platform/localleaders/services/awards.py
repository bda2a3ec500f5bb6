"""What trainers and admins give by hand: points (or deductions) and trainer-awarded badges,
always with a reason, written to the ledger and the audit log; and what the cheat guard
turned away, for them to read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from localleaders.catalog.program import BadgeSpec, ProgramSpec
from localleaders.gamification.engine import Rewards
from localleaders.i18n import N_, Message
from localleaders.models import BadgeAward, GuardBlock, PointEntry, User
from localleaders.services import audit, cohorts
from localleaders.services.errors import Conflict, InvalidInput

MAX_MANUAL = 1000
BLOCKS_LIMIT = 20


@dataclass(frozen=True)
class ManualForm:
    amount: str
    reason: str


def _reason(text: str, errors: dict[str, Message]) -> str:
    reason = " ".join(text.split())
    if not 3 <= len(reason) <= 200:
        errors["reason"] = Message(N_("Give a reason in 3 to 200 characters."))
    return reason


def _learner(session: Session, actor: User, cohort_id: int, user_id: int) -> User:
    cohort = cohorts.for_trainer(session, user=actor, cohort_id=cohort_id)
    cohorts.require_open(cohort)
    return cohorts.member_in_cohort(session, cohort=cohort, user_id=user_id)


def give_points(
    session: Session, *, actor: User, cohort_id: int, user_id: int, form: ManualForm,
    rules: ProgramSpec,
) -> int:  # fmt: skip
    """Adds (or, when negative, deducts) points by hand; returns the amount."""
    learner = _learner(session, actor, cohort_id, user_id)
    errors: dict[str, Message] = {}
    raw = form.amount.strip().replace("\u2212", "-")
    amount = int(raw) if raw.lstrip("+-").isdigit() else 0
    if not amount or abs(amount) > MAX_MANUAL:
        errors["amount"] = Message(
            N_("Enter a whole number from -%(max)d to %(max)d, not 0."), {"max": MAX_MANUAL}
        )
    reason = _reason(form.reason, errors)
    if errors:
        raise InvalidInput(errors)
    rewards = Rewards(session, rules, learner.id or 0)
    rewards.points(amount, reason="manual" if amount > 0 else "manual_deduction",
                   source_key=f"manual:{secrets.token_hex(8)}", note=reason,
                   awarded_by=actor.id)  # fmt: skip
    rewards.finish()
    audit.record(session, actor=actor, action="points.manual", target_type="user",
                 target_id=learner.id, amount=amount, reason=reason)  # fmt: skip
    return amount


def awardable(rules: ProgramSpec) -> list[BadgeSpec]:
    return [badge for badge in rules.badges if badge.criterion.kind == "trainer_awarded"]


def give_badge(
    session: Session, *, actor: User, cohort_id: int, user_id: int, badge_key: str, reason: str,
    rules: ProgramSpec,
) -> BadgeSpec:  # fmt: skip
    learner = _learner(session, actor, cohort_id, user_id)
    errors: dict[str, Message] = {}
    badge = next((b for b in awardable(rules) if b.key == badge_key), None)
    if badge is None:
        errors["badge"] = Message(N_("Choose a badge."))
    note = _reason(reason, errors)
    if errors:
        raise InvalidInput(errors)
    assert badge is not None
    rewards = Rewards(session, rules, learner.id or 0)
    if not rewards.give(badge, by=actor.id or 0, note=note):
        raise Conflict(Message(N_("This learner already has this badge.")))
    rewards.finish()
    audit.record(session, actor=actor, action="badge.give", target_type="user",
                 target_id=learner.id, badge=badge.key, reason=note)  # fmt: skip
    return badge


@dataclass(frozen=True)
class StaffView:
    """For a learner's page: their badges, what trainers gave by hand, what was blocked."""

    badges: list[BadgeAward]
    manual: list[tuple[PointEntry, str]]  # entry, name of who gave it
    blocks: list[GuardBlock]


def staff_view(session: Session, *, user_id: int) -> StaffView:
    held = session.exec(
        select(BadgeAward)
        .where(BadgeAward.user_id == user_id)
        .order_by(col(BadgeAward.awarded_at).desc())
    ).all()
    manual = session.exec(
        select(PointEntry, User.display_name)
        .outerjoin(User, col(User.id) == col(PointEntry.awarded_by))
        .where(PointEntry.user_id == user_id, col(PointEntry.source_key).startswith("manual:"))
        .order_by(col(PointEntry.created_at).desc())
        .limit(BLOCKS_LIMIT)
    ).all()
    blocks = session.exec(
        select(GuardBlock)
        .where(GuardBlock.user_id == user_id)
        .order_by(col(GuardBlock.created_at).desc(), col(GuardBlock.id).desc())
        .limit(BLOCKS_LIMIT)
    ).all()
    return StaffView(list(held), [(e, n or "") for e, n in manual], list(blocks))
