"""The append-only point ledger and the totals kept beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
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


class UserPoints(SQLModel, table=True):
    """Per-user total, updated in the same transaction as each ledger row."""

    __tablename__ = "user_points"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    total: int = Field(default=0, index=True)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
