"""Tables, one module per area. Importing this package registers them all on the metadata."""

from localleaders.models.accounts import Role, User, UserSession
from localleaders.models.audit import AuditEntry
from localleaders.models.base import metadata
from localleaders.models.catalog import Course, Lesson, LessonText, Module, Track
from localleaders.models.cohorts import (
    Announcement,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortStatus,
    CohortTrainer,
)
from localleaders.models.gamification import PointEntry, UserPoints
from localleaders.models.progress import LessonCompletion, QuizAttempt

__all__ = [
    "Announcement",
    "AuditEntry",
    "Cohort",
    "CohortCourse",
    "CohortMember",
    "CohortStatus",
    "CohortTrainer",
    "Course",
    "Lesson",
    "LessonCompletion",
    "LessonText",
    "Module",
    "PointEntry",
    "QuizAttempt",
    "Role",
    "Track",
    "User",
    "UserPoints",
    "UserSession",
    "metadata",
]
