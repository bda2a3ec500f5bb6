"""Course content as synced from courses/. Slugs are identities; rows are updated in place."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class Track(StrEnum):
    grassroots = "grassroots"
    youth = "youth"
    women = "women"


class Course(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=200)
    track: str = Field(max_length=16, index=True)
    language: str = Field(default="en", max_length=8)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0
    lesson_count: int = 0
    is_published: bool = True
    content_hash: str = Field(default="", max_length=64)
    synced_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Module(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=80)
    title: str = Field(max_length=200)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0
    is_published: bool = True


class Lesson(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", ondelete="CASCADE", index=True)
    module_id: int = Field(foreign_key="module.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=80)
    title: str = Field(max_length=200)
    minutes: int = 5
    points: int = 0
    position: int = 0
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    practice_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    quiz: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    is_published: bool = True
