"""The audit log: every trainer and admin action, who did it, when and on what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """``actor_name`` is copied at the time so the entry still reads well if the account
    is later renamed or erased; ``details`` holds ids and short values, never secrets."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", index=True
    )
    actor_name: str = Field(max_length=60)
    action: str = Field(max_length=40, index=True)
    target_type: str = Field(max_length=20)
    target_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
