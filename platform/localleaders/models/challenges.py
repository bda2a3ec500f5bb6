"""Community challenges: a window of days, a measure, a format, teams and the scores in it.

``challenge_score`` holds each learner's contribution inside the window, kept by the use
cases that change it (in their transactions), so standings never scan the ledger. When a
challenge closes the scores stop moving and ``place`` records where each learner finished.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class Measure(StrEnum):
    points = "points"  # points earned in the window
    actions = "actions"  # verified community actions (of the chosen types) done in it
    residents = "residents"  # residents mobilised by those actions
    lessons = "lessons"  # lessons completed in it


class ChallengeFormat(StrEnum):
    individual = "individual"  # each learner for themselves
    teams = "teams"  # a team's score is the sum of its members' contributions
    cooperative = "cooperative"  # everyone towards one shared goal


class Challenge(SQLModel, table=True):
    __table_args__ = (Index("ix_challenge_cohort_id", "cohort_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # None: program-wide (every learner takes part); else the cohort's learners.
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", ondelete="CASCADE")
    title: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    description: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    starts_on: date  # first day, in the program's time zone
    ends_on: date  # last day, included
    measure: str = Field(max_length=16)
    action_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    format: str = Field(max_length=16)
    goal: int | None = None  # the shared goal of a cooperative challenge
    learner_teams: bool = True  # learners may form teams themselves (teams format)
    board_hidden: bool = False  # trainers may hide the standings from learners
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ChallengeTeam(SQLModel, table=True):
    __tablename__ = "challenge_team"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", ondelete="CASCADE")
    name: str = Field(max_length=40)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ChallengeTeamMember(SQLModel, table=True):
    """One team per learner per challenge: the primary key says so."""

    __tablename__ = "challenge_team_member"
    __table_args__ = (Index("ix_challenge_team_member_team_id", "team_id"),)

    challenge_id: int = Field(foreign_key="challenge.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    team_id: int = Field(foreign_key="challenge_team.id", ondelete="CASCADE")


class ChallengeScore(SQLModel, table=True):
    __tablename__ = "challenge_score"
    __table_args__ = (Index("ix_challenge_score_user_id", "user_id"),)

    challenge_id: int = Field(foreign_key="challenge.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    score: int = 0
    place: int | None = None  # the rank frozen when the challenge closed (None: off the board)
