"""Looking up what the public Open Badges URLs serve. Nothing here needs a signed-in user:
a badge class describes a badge of the rules, an assertion exists only once its learner
published it, and a revoked one says so."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from localleaders.catalog.program import BadgeSpec, ProgramSpec
from localleaders.gamification import openbadges
from localleaders.models import BadgeAssertion, BadgeAward
from localleaders.services.errors import NotFound


def badge_class(rules: ProgramSpec, key: str, tier_slug: str) -> tuple[BadgeSpec, str]:
    badge = rules.badge(key)
    tier = openbadges.tier_of(tier_slug)
    if badge is None or tier is None or tier not in (badge.criterion.thresholds() or {"": 1}):
        raise NotFound()
    return badge, tier


@dataclass(frozen=True)
class Published:
    assertion: BadgeAssertion
    award: BadgeAward
    badge: BadgeSpec

    @property
    def revoked(self) -> bool:
        return self.assertion.revoked_at is not None


def published(session: Session, rules: ProgramSpec, assertion_id: str) -> Published:
    if not assertion_id.isalnum() or len(assertion_id) != 32:
        raise NotFound()
    assertion = session.get(BadgeAssertion, assertion_id)
    award = session.get(BadgeAward, assertion.award_id) if assertion else None
    badge = rules.badge(award.badge_key) if award else None
    if assertion is None or award is None or badge is None:
        raise NotFound()
    return Published(assertion, award, badge)
