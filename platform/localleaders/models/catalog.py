"""Course content as synced from courses/. Slugs are identities; rows are updated in place.

Texts exist per language. The plain columns (``title``, ``summary``) hold the course's main
language, for places that need one text (logs, exports); ``texts``/``titles`` hold every
language, and a lesson's full text is in :class:`LessonText`, one row per language.
"""

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
    shared = "shared"


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
    # {language: {"title": ..., "summary": ...}}
    texts: dict[str, dict[str, str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # Slugs of shared modules (courses of the "shared" track) shown after this course's own.
    includes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
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
    texts: dict[str, dict[str, str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


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
    # The community action the practice task ends in: a key of program.yaml's action_types.
    action: str | None = Field(default=None, max_length=80)
    # The quiz's rules (pass mark, points, which choices are right) with main-language texts.
    quiz: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # {language: title} for outlines; the languages the lesson is written in.
    titles: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_published: bool = True


class LessonText(SQLModel, table=True):
    """A lesson in one language: what the learner reads."""

    __tablename__ = "lesson_text"

    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", primary_key=True)
    language: str = Field(max_length=8, primary_key=True)
    title: str = Field(max_length=200)
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    practice_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    # {"questions": [{"text", "choices": [text, ...], "explanation"}]}, in the quiz's order
    quiz_texts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
