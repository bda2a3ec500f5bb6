"""Cheat-guard records: per-learner counters, blocked attempts and first lesson visits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class GuardCounter(SQLModel, table=True):
    """When a learner last did an event of one kind, and how often today (program zone)."""

    __tablename__ = "guard_counter"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    event: str = Field(max_length=30, primary_key=True)
    last_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    day: date
    day_count: int = 0


class GuardBlock(SQLModel, table=True):
    """An attempt the cheat guard turned away, listed for the learner's trainers."""

    __tablename__ = "guard_block"
    __table_args__ = (Index("ix_guard_block_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    event: str = Field(max_length=30)
    reason: str = Field(max_length=30)  # "too_soon" | "cooldown" | "daily_cap"
    subject: str = Field(default="", max_length=200)  # e.g. the lesson's title
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LessonVisit(SQLModel, table=True):
    """When a learner first opened a lesson: the start of its minimum reading time."""

    __tablename__ = "lesson_visit"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", primary_key=True)
    first_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
