"""A learner's own badges, streak and notifications, and publishing a badge.

Badges are private by default. Publishing one makes an Open Badges hosted assertion: the
learner gives the e-mail their badge backpack knows, of which only a salted hash is kept.
Unpublishing revokes that assertion for good (its URL then answers 410).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from localleaders.catalog.program import BadgeSpec, ProgramSpec
from localleaders.gamification import badges, streaks
from localleaders.i18n import N_, Message
from localleaders.models import BadgeAssertion, BadgeAward, Notification, User
from localleaders.models.base import utcnow
from localleaders.services import audit
from localleaders.services.errors import Conflict, InvalidInput, NotFound

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
NOTIFICATIONS_LIMIT = 100
# Kinds whose measure reads as "x of y" towards the next tier.
PROGRESS_KINDS = set(badges.METRICS) - {"challenge_placed"}


@dataclass(frozen=True)
class HeldTier:
    award: BadgeAward
    assertion: BadgeAssertion | None  # the live published assertion, if any


@dataclass(frozen=True)
class BadgeCard:
    spec: BadgeSpec
    held: list[HeldTier]  # lowest tier first
    progress: int | None  # the measure towards the next tier (None: not measurable)
    next_threshold: int | None
    next_tier: str | None

    @property
    def shown_tier(self) -> str:
        """The tier whose art the card shows: the best held, or the first to earn."""
        if self.held:
            return self.held[-1].award.tier
        return next(iter(self.spec.criterion.thresholds()), "")

    @property
    def top(self) -> HeldTier | None:
        return self.held[-1] if self.held else None

    @property
    def percent(self) -> int:
        if self.progress is None or not self.next_threshold:
            return 0
        return min(100, self.progress * 100 // self.next_threshold)


def _live_assertions(session: Session, award_ids: list[int]) -> dict[int, BadgeAssertion]:
    if not award_ids:
        return {}
    found = session.exec(
        select(BadgeAssertion).where(
            col(BadgeAssertion.award_id).in_(award_ids), col(BadgeAssertion.revoked_at).is_(None)
        )
    )
    return {assertion.award_id: assertion for assertion in found}


def _next(spec: BadgeSpec, held: set[str]) -> tuple[str, int] | None:
    for tier, threshold in spec.criterion.thresholds().items():
        if tier not in held:
            return tier, threshold
    return None


def shelf(session: Session, *, rules: ProgramSpec, user_id: int) -> list[BadgeCard]:
    """Every badge of the program: those held (with tiers), and progress towards the rest."""
    awards = session.exec(select(BadgeAward).where(BadgeAward.user_id == user_id)).all()
    live = _live_assertions(session, [a.id for a in awards if a.id is not None])
    cards = []
    for spec in rules.badges:
        mine = sorted(
            (a for a in awards if a.badge_key == spec.key), key=lambda a: badges.tier_order(a.tier)
        )
        upcoming = _next(spec, {a.tier for a in mine})
        progress = None
        # "0 of 1" says nothing: a count shows once there is more than one to reach.
        if upcoming is not None and upcoming[1] > 1 and spec.criterion.kind in PROGRESS_KINDS:
            progress = badges.METRICS[spec.criterion.kind](session, user_id, spec.criterion)
        cards.append(
            BadgeCard(
                spec=spec,
                held=[HeldTier(a, live.get(a.id or 0)) for a in mine],
                progress=progress,
                next_threshold=upcoming[1] if upcoming else None,
                next_tier=upcoming[0] if upcoming else None,
            )
        )
    return cards


def held(
    session: Session, *, rules: ProgramSpec, user_id: int
) -> list[tuple[BadgeAward, BadgeSpec]]:
    """The learner's badges, newest first, with their rules (badges since removed are left out)."""
    awards = session.exec(
        select(BadgeAward)
        .where(BadgeAward.user_id == user_id)
        .order_by(col(BadgeAward.awarded_at).desc(), col(BadgeAward.id).desc())
    ).all()
    return [(a, spec) for a in awards if (spec := rules.badge(a.badge_key)) is not None]


def streak(session: Session, *, rules: ProgramSpec, user_id: int) -> streaks.StreakView:
    return streaks.of_user(session, rules, user_id)


def _own_award(session: Session, user: User, award_id: int) -> BadgeAward:
    award = session.get(BadgeAward, award_id)
    if award is None or award.user_id != user.id:
        raise NotFound()
    return award


@dataclass(frozen=True)
class AwardView:
    award: BadgeAward
    spec: BadgeSpec
    assertion: BadgeAssertion | None  # the live published assertion, if any


def award_view(session: Session, *, rules: ProgramSpec, user: User, award_id: int) -> AwardView:
    """One of the learner's own badges, with its publication; others' are not found."""
    award = _own_award(session, user, award_id)
    spec = rules.badge(award.badge_key)
    if spec is None:
        raise NotFound()
    return AwardView(award, spec, _live_assertions(session, [award_id]).get(award_id))


def identity_hash(email: str, salt: str) -> str:
    """Open Badges hashed recipient identity: sha256 of the normalised e-mail plus salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def publish(session: Session, *, user: User, award_id: int, email: str) -> BadgeAssertion:
    award = _own_award(session, user, award_id)
    email = email.strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(
            {"email": Message(N_("Enter the e-mail address of your badge backpack."))}
        )
    if _live_assertions(session, [award_id]):
        raise Conflict(Message(N_("This badge is already published.")))
    salt = secrets.token_hex(8)
    assertion = BadgeAssertion(
        id=secrets.token_hex(16), award_id=award_id, salt=salt, identity=identity_hash(email, salt)
    )
    session.add(assertion)
    session.flush()
    audit.record(session, actor=user, action="badge.publish", target_type="badge",
                 target_id=award.id, badge=award.badge_key, tier=award.tier)  # fmt: skip
    return assertion


def unpublish(session: Session, *, user: User, award_id: int) -> None:
    award = _own_award(session, user, award_id)
    revoked = session.execute(
        update(BadgeAssertion)
        .where(col(BadgeAssertion.award_id) == award_id, col(BadgeAssertion.revoked_at).is_(None))
        .values(revoked_at=utcnow(), revocation_reason="Withdrawn by the recipient")
    )
    if not revoked.rowcount:  # type: ignore[attr-defined]
        raise Conflict(Message(N_("This badge is not published.")))
    audit.record(session, actor=user, action="badge.unpublish", target_type="badge",
                 target_id=award.id, badge=award.badge_key, tier=award.tier)  # fmt: skip


@dataclass(frozen=True)
class NotificationView:
    item: Notification
    badge: BadgeSpec | None
    unread: bool

    @property
    def at(self) -> datetime:
        return self.item.created_at


def _views(rules: ProgramSpec, items: list[Notification]) -> list[NotificationView]:
    views = []
    for item in items:
        badge = rules.badge(str(item.data.get("badge", ""))) if item.kind == "badge" else None
        if item.kind == "badge" and badge is None:
            continue  # a badge removed from the rules since
        views.append(NotificationView(item, badge, item.read_at is None))
    return views


def notifications(session: Session, *, rules: ProgramSpec, user_id: int) -> list[NotificationView]:
    """Newest first; reading the list marks them read (the views keep what was unread)."""
    items = list(
        session.exec(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
            .limit(NOTIFICATIONS_LIMIT)
        )
    )
    views = _views(rules, items)
    session.execute(
        update(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    return views


def celebrated(
    session: Session, *, rules: ProgramSpec, user_id: int, ids: list[int]
) -> list[NotificationView]:
    """The notifications a plain-form request just created, to show on the next page."""
    if not ids:
        return []
    items = session.exec(
        select(Notification)
        .where(Notification.user_id == user_id, col(Notification.id).in_(ids[:20]))
        .order_by(col(Notification.id))
    ).all()
    return _views(rules, list(items))


def unread(session: Session, *, user_id: int) -> int:
    query = select(func.count()).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None)
    )
    return int(session.exec(query).one())
