"""Community actions learners lead, the trainers' reviews of them, and consultations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class ActionStatus(StrEnum):
    draft = "draft"  # only the learner sees it
    submitted = "submitted"  # waits in the trainers' review queue
    changes_requested = "changes_requested"  # back with the learner, with a comment
    verified = "verified"  # counts: points, feeds, the impact report
    rejected = "rejected"  # does not count; the reason is shown to the learner


class Visibility(StrEnum):
    cohort = "cohort"  # once verified, on the cohort's feed under the learner's display name
    trainers = "trainers"  # only the learner and their trainers ever see it


class CommunityAction(SQLModel, table=True):
    __tablename__ = "community_action"
    __table_args__ = (
        Index("ix_community_action_user_id", "user_id"),
        Index("ix_community_action_status", "status", "submitted_at"),
        Index("ix_community_action_cohort_status", "cohort_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    # The cohort whose trainers review it and whose figures it counts in.
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", ondelete="SET NULL")
    lesson_id: int | None = Field(default=None, foreign_key="lesson.id", ondelete="SET NULL")
    type: str = Field(max_length=40)
    title: str = Field(max_length=120)
    happened_on: date
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False))
    residents_mobilised: int = 0
    participants: int = 0
    volunteer_minutes: int = 0
    organisations: str = Field(default="", max_length=300)
    place: str = Field(default="", max_length=80)  # a town or district, never an address
    links: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    visibility: str = Field(default=Visibility.cohort.value, max_length=16)
    status: str = Field(default=ActionStatus.draft.value, max_length=20)
    version: int = 1
    needs_second_verification: bool = False
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ActionRevision(SQLModel, table=True):
    """The action as it was after each save: the history of changes."""

    __tablename__ = "action_revision"
    __table_args__ = (UniqueConstraint("action_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="community_action.id", ondelete="CASCADE")
    version: int
    editor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ReviewDecision(StrEnum):
    verify = "verify"
    changes = "changes"
    reject = "reject"


class ActionReview(SQLModel, table=True):
    __tablename__ = "action_review"
    __table_args__ = (Index("ix_action_review_action_id", "action_id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="community_action.id", ondelete="CASCADE")
    version: int  # the version of the action the decision was about
    reviewer_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decision: str = Field(max_length=16)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ActionPhoto(SQLModel, table=True):
    """A re-encoded photo without metadata, stored under the data folder as ``name``."""

    __tablename__ = "action_photo"
    __table_args__ = (Index("ix_action_photo_action_id", "action_id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="community_action.id", ondelete="CASCADE")
    name: str = Field(max_length=80, unique=True)
    width: int
    height: int
    size: int
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Consultation(SQLModel, table=True):
    """A trainer's mentoring session with a learner. The note is for trainers only."""

    __table_args__ = (
        Index("ix_consultation_learner_id", "learner_id"),
        Index("ix_consultation_cohort_id", "cohort_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trainer_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    learner_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", ondelete="SET NULL")
    held_on: date
    minutes: int
    topic: str = Field(max_length=200)
    private_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
