"""People and their sessions. Only the display name is ever shown to other people."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    learner = "learner"
    trainer = "trainer"
    admin = "admin"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=60)
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.learner.value, max_length=16)
    locale: str | None = Field(default=None, max_length=8)
    is_active: bool = True
    must_change_password: bool = False  # set by an admin's password reset
    # Self-reported, optional, only for the impact report's breakdown; None = not stated.
    gender: str | None = Field(default=None, max_length=16)
    # Off every leaderboard (the learner still sees their own rank, privately).
    leaderboard_opt_out: bool = False
    last_active_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class UserSession(SQLModel, table=True):
    """A login. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    user_agent: str = Field(default="", max_length=120)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
