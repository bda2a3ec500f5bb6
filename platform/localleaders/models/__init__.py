"""Tables, one module per area. Importing this package registers them all on the metadata."""

from localleaders.models.accounts import Role, User, UserSession
from localleaders.models.actions import (
    ActionPhoto,
    ActionReview,
    ActionRevision,
    ActionStatus,
    CommunityAction,
    Consultation,
    ReviewDecision,
    Visibility,
)
from localleaders.models.audit import AuditEntry
from localleaders.models.base import metadata
from localleaders.models.boards import BoardCount, BoardScore
from localleaders.models.catalog import Course, Lesson, LessonText, Module, Track
from localleaders.models.challenges import (
    Challenge,
    ChallengeFormat,
    ChallengeScore,
    ChallengeTeam,
    ChallengeTeamMember,
    Measure,
)
from localleaders.models.cohorts import (
    Announcement,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortStatus,
    CohortTrainer,
)
from localleaders.models.gamification import (
    BadgeAssertion,
    BadgeAward,
    ChallengePlacement,
    Notification,
    PointEntry,
    RuleVersion,
    UserPoints,
    UserStreak,
)
from localleaders.models.guard import GuardBlock, GuardCounter, LessonVisit
from localleaders.models.progress import LessonCompletion, QuizAttempt

__all__ = [
    "ActionPhoto",
    "ActionReview",
    "ActionRevision",
    "ActionStatus",
    "Announcement",
    "AuditEntry",
    "BadgeAssertion",
    "BadgeAward",
    "BoardCount",
    "BoardScore",
    "Challenge",
    "ChallengeFormat",
    "ChallengePlacement",
    "ChallengeScore",
    "ChallengeTeam",
    "ChallengeTeamMember",
    "Cohort",
    "CohortCourse",
    "CohortMember",
    "CohortStatus",
    "CohortTrainer",
    "CommunityAction",
    "Consultation",
    "Course",
    "GuardBlock",
    "GuardCounter",
    "Lesson",
    "LessonCompletion",
    "LessonText",
    "LessonVisit",
    "Measure",
    "Module",
    "Notification",
    "PointEntry",
    "QuizAttempt",
    "ReviewDecision",
    "Role",
    "RuleVersion",
    "Track",
    "User",
    "UserPoints",
    "UserSession",
    "UserStreak",
    "Visibility",
    "metadata",
]
