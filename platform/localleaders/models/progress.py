"""What a learner has done in the courses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from localleaders.models.base import UTCDateTime, utcnow


class LessonCompletion(SQLModel, table=True):
    __tablename__ = "lesson_completion"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", index=True)
    course_id: int = Field(foreign_key="course.id", ondelete="CASCADE")
    completed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempt"
    __table_args__ = (Index("ix_quiz_attempt_user_lesson", "user_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE")
    correct: int
    total: int
    passed: bool
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
