"""The append-only point ledger, the totals kept beside it, badges, streaks, notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class PointEntry(SQLModel, table=True):
    """One award. ``source_key`` is unique per user, which makes every award idempotent."""

    __tablename__ = "point_entry"
    __table_args__ = (
        UniqueConstraint("user_id", "source_key"),
        Index("ix_point_entry_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    amount: int
    reason: str = Field(max_length=40)
    source_key: str = Field(max_length=120)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # The ProgramSpec.version the amount was computed under ("" before versions existed).
    rules_version: str = Field(default="", max_length=16)
    # Set for manual awards and deductions by a trainer or admin.
    awarded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class UserPoints(SQLModel, table=True):
    """Per-user total, updated in the same transaction as each ledger row."""

    __tablename__ = "user_points"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    total: int = Field(default=0, index=True)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class RuleVersion(SQLModel, table=True):
    """A copy of each version of the rules the ledger refers to, kept for explanation."""

    __tablename__ = "rule_version"

    version: str = Field(primary_key=True, max_length=16)
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    first_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BadgeAward(SQLModel, table=True):
    """A badge (one tier of it) a learner earned; unique, so it is awarded once."""

    __tablename__ = "badge_award"
    __table_args__ = (UniqueConstraint("user_id", "badge_key", "tier"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    badge_key: str = Field(max_length=80)
    tier: str = Field(default="", max_length=10)  # "" for a badge without tiers
    awarded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    rules_version: str = Field(default="", max_length=16)
    awarded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=200)  # a trainer's reason


class BadgeAssertion(SQLModel, table=True):
    """A badge the learner published as an Open Badges hosted assertion.

    Only a salted hash of the recipient's e-mail is kept. Unpublishing revokes the assertion
    (its URL then answers 410); publishing again makes a new one.
    """

    __tablename__ = "badge_assertion"

    id: str = Field(primary_key=True, max_length=32)  # random, used in the public URL
    award_id: int = Field(foreign_key="badge_award.id", ondelete="CASCADE", index=True)
    salt: str = Field(max_length=32)
    identity: str = Field(max_length=80)  # "sha256$" + sha256(email + salt)
    issued_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revocation_reason: str = Field(default="", max_length=200)


class UserStreak(SQLModel, table=True):
    """Weekly activity streak; weeks are the Monday they start on, in the program's zone."""

    __tablename__ = "user_streak"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    current: int = 0
    best: int = 0
    last_week: date | None = None
    freezes: int = 0
    freezes_used: int = 0
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Notification(SQLModel, table=True):
    """A level reached or a badge earned, kept after the toast has gone."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)  # "level" | "badge"
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ChallengePlacement(SQLModel, table=True):
    """Where a learner finished in a closed community challenge (filled when it closes)."""

    __tablename__ = "challenge_placement"
    __table_args__ = (UniqueConstraint("user_id", "challenge_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    challenge_key: str = Field(max_length=120)
    place: int = Field(ge=1)
    placed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
