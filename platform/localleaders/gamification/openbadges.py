"""Open Badges 2.0 hosted documents: the issuer profile, a badge class per badge tier, and
the assertion of a published badge. Only what the standard needs is published: the
recipient is a salted hash, and the issuer name is the program's choice (settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localleaders.catalog.program import BadgeSpec
from localleaders.models import BadgeAssertion, BadgeAward

CONTEXT = "https://w3id.org/openbadges/v2"
# A badge without tiers has "standard" in its URLs, so every class has the same URL shape.
STANDARD = "standard"
TIER_NAMES = {"bronze": "Bronze", "silver": "Silver", "gold": "Gold", "": ""}


@dataclass(frozen=True)
class Issuer:
    base: str  # the public address of the platform, without a trailing slash
    name: str
    email: str | None = None

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def tier_slug(tier: str) -> str:
    return tier or STANDARD


def tier_of(slug: str) -> str | None:
    """The tier a URL names, or None when it names none."""
    if slug == STANDARD:
        return ""
    return slug if slug in ("bronze", "silver", "gold") else None


def class_path(key: str, tier: str) -> str:
    return f"/openbadges/badges/{key}/{tier_slug(tier)}"


def assertion_path(assertion_id: str) -> str:
    return f"/openbadges/assertions/{assertion_id}"


def issuer_document(issuer: Issuer) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer.url("/openbadges/issuer"),
        "name": issuer.name,
        "url": issuer.url("/"),
    }
    if issuer.email:
        document["email"] = issuer.email
    return document


def badge_class_document(
    issuer: Issuer, badge: BadgeSpec, tier: str, *, name: str, description: str
) -> dict[str, Any]:
    path = class_path(badge.key, tier)
    label = f"{name} ({TIER_NAMES[tier]})" if tier else name
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": issuer.url(path),
        "name": label,
        "description": description,
        "image": issuer.url(f"{path}/image"),
        "criteria": {"narrative": description},
        "issuer": issuer.url("/openbadges/issuer"),
    }


def assertion_document(
    issuer: Issuer, assertion: BadgeAssertion, award: BadgeAward
) -> dict[str, Any]:
    path = assertion_path(assertion.id)
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": issuer.url(path),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": assertion.salt,
            "identity": assertion.identity,
        },
        "badge": issuer.url(class_path(award.badge_key, award.tier)),
        "verification": {"type": "hosted"},
        "issuedOn": award.awarded_at.isoformat(timespec="seconds"),
        "image": issuer.url(f"{path}/image"),
    }


def revoked_document(issuer: Issuer, assertion: BadgeAssertion) -> dict[str, Any]:
    """What a revoked assertion's URL answers, with HTTP 410."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": issuer.url(assertion_path(assertion.id)),
        "revoked": True,
        "revocationReason": assertion.revocation_reason or "Revoked",
    }
