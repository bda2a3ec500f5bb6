"""Cohorts: a group of learners taking courses together, run by one or more trainers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class CohortStatus(StrEnum):
    open = "open"  # learners join and work
    closed = "closed"  # read-only: nobody joins, trainers post nothing new
    archived = "archived"  # closed and out of the everyday lists


class Cohort(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    join_code: str = Field(max_length=16, unique=True)
    starts_on: date
    ends_on: date | None = None
    status: str = Field(default=CohortStatus.open.value, max_length=16, index=True)
    leaderboard_hidden: bool = False  # a trainer may hide the cohort's boards
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class CohortCourse(SQLModel, table=True):
    """A course the cohort takes, with an optional date to finish it by."""

    __tablename__ = "cohort_course"

    cohort_id: int = Field(foreign_key="cohort.id", ondelete="CASCADE", primary_key=True)
    course_id: int = Field(foreign_key="course.id", ondelete="CASCADE", primary_key=True)
    due_on: date | None = None
    position: int = 0


class CohortTrainer(SQLModel, table=True):
    __tablename__ = "cohort_trainer"
    __table_args__ = (Index("ix_cohort_trainer_user_id", "user_id"),)

    cohort_id: int = Field(foreign_key="cohort.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)


class CohortMember(SQLModel, table=True):
    """A learner in a cohort. Removing the row removes the membership, never their records."""

    __tablename__ = "cohort_member"
    __table_args__ = (Index("ix_cohort_member_user_id", "user_id"),)

    cohort_id: int = Field(foreign_key="cohort.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    joined_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Announcement(SQLModel, table=True):
    __table_args__ = (Index("ix_announcement_cohort_created", "cohort_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
