"""The shape of courses/program.yaml: the rules program staff tune without code.

Points per event, the level curve, badges, streaks and the cheat guard all live here, so a
change of rules is a change of one reviewed file. ``ProgramSpec.version`` fingerprints the
rules; every ledger row records the version it was awarded under.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from localleaders.catalog.schemas import LocalText, LocalTitle, Slug, Strict
from localleaders.models.catalog import Track

Tier = Literal["bronze", "silver", "gold"]
TIERS: tuple[Tier, ...] = ("bronze", "silver", "gold")
CriterionKind = Literal[
    "lessons_completed",
    "course_completed",
    "track_completed",
    "actions_verified",
    "residents_mobilised",
    "streak_weeks",
    "perfect_quizzes",
    "challenge_placed",
    "trainer_awarded",
]
GuardedEvent = Literal["lesson_completed", "quiz_submitted", "action_logged"]


class ActionTypeSpec(Strict):
    key: Slug
    name: LocalTitle
    points: int = Field(default=30, ge=0, le=1000)  # awarded when a trainer verifies one


class ActionRules(Strict):
    # A claim of this many residents mobilised or more needs a second trainer's verification.
    second_verification_residents: int = Field(default=100, ge=1)


class LevelSpec(Strict):
    name: LocalTitle
    points: int = Field(ge=0)


class PointRules(Strict):
    lesson_completed: int = Field(default=10, ge=0, le=1000)  # for lessons naming no points
    quiz_passed: int = Field(default=10, ge=0, le=1000)  # for quizzes naming no points
    perfect_quiz: int = Field(default=5, ge=0, le=1000)  # every answer right, once per quiz
    per_resident: int = Field(default=0, ge=0, le=100)  # on a verified action, per resident
    residents_cap: int = Field(default=100, ge=0, le=100_000)  # residents counted per action
    consultation: int = Field(default=5, ge=0, le=1000)  # each logged consultation
    challenge_places: list[int] = Field(default_factory=list, max_length=10)  # 1st, 2nd, ...
    challenge_goal: int = Field(default=0, ge=0, le=10_000)  # each contributor, goal reached

    @field_validator("challenge_places")
    @classmethod
    def _places(cls, value: list[int]) -> list[int]:
        if any(points < 0 or points > 10_000 for points in value):
            raise ValueError("place points must be between 0 and 10000")
        return value


class CriterionSpec(Strict):
    kind: CriterionKind
    count: int | None = Field(default=None, ge=1)
    tiers: dict[Tier, int] | None = None
    course: Slug | None = None
    track: Track | None = None
    action_type: Slug | None = None

    @model_validator(mode="after")
    def _thresholds(self) -> CriterionSpec:
        if self.kind == "trainer_awarded":
            if self.count is not None or self.tiers is not None:
                raise ValueError("a trainer-awarded badge has no count or tiers")
            return self
        if self.count is not None and self.tiers is not None:
            raise ValueError("give either count or tiers, not both")
        if self.tiers is not None:
            values = [self.tiers[t] for t in TIERS if t in self.tiers]
            if not values or any(v < 1 for v in values):
                raise ValueError("tier thresholds must be at least 1")
            # A better place is a smaller number, so placement tiers fall instead of rising.
            wanted = sorted(values, reverse=self.kind == "challenge_placed")
            if values != wanted or len(set(values)) != len(values):
                raise ValueError("bronze, silver and gold thresholds must get harder in turn")
        self._check_filters()
        return self

    def _check_filters(self) -> None:
        allowed = {"course_completed": "course", "track_completed": "track"}
        allowed["actions_verified"] = "action_type"
        for name in ("course", "track", "action_type"):
            if getattr(self, name) is not None and allowed.get(self.kind) != name:
                raise ValueError(f"{name!r} does not apply to {self.kind}")
        if (self.course or self.track) and (self.count or self.tiers):
            raise ValueError("a badge for one course or track has no count or tiers")

    def thresholds(self) -> dict[str, int]:
        """Tier name ('' for a badge without tiers) -> the threshold that earns it."""
        if self.kind == "trainer_awarded":
            return {}
        if self.tiers is not None:
            return {tier: self.tiers[tier] for tier in TIERS if tier in self.tiers}
        return {"": self.count or 1}


class BadgeSpec(Strict):
    key: Slug
    name: LocalTitle
    description: LocalText  # what earns it: shown on the badge page and in Open Badges criteria
    criterion: CriterionSpec
    colour: str = Field(default="#2f6f5e", pattern=r"^#[0-9a-fA-F]{6}$")
    icon: Slug | None = None  # one of static/img/badges/icons; the badge's key by default

    @property
    def icon_key(self) -> str:
        return self.icon or self.key


class StreakRules(Strict):
    # Each unbroken run of this many active weeks earns one streak freeze ...
    freeze_every_weeks: int = Field(default=4, ge=1, le=52)
    # ... and a learner holds at most this many; a freeze covers one missed week.
    max_freezes: int = Field(default=2, ge=0, le=10)


class ChallengeRules(Strict):
    # A challenge closes (standings freeze, places are awarded) this many days after its
    # last day, so trainers can still verify actions done inside it; they may close sooner.
    review_days: int = Field(default=3, ge=0, le=30)


class Limit(Strict):
    cooldown_seconds: int = Field(default=0, ge=0, le=86_400)
    daily_cap: int | None = Field(default=None, ge=1, le=10_000)


class CheatGuard(Strict):
    # A lesson counts as completed only after this share of its `minutes` since it was opened.
    lesson_min_time_percent: int = Field(default=25, ge=0, le=100)
    limits: dict[GuardedEvent, Limit] = Field(default_factory=dict)

    @classmethod
    def off(cls) -> CheatGuard:
        """No limits, for seeding demo data."""
        return cls(lesson_min_time_percent=0, limits={})


class ProgramSpec(Strict):
    time_zone: str = "UTC"  # weeks (streaks, weekly boards) start on Monday in this zone
    levels: list[LevelSpec] = Field(min_length=1)
    points: PointRules = Field(default_factory=PointRules)
    action_types: list[ActionTypeSpec] = Field(default_factory=list)
    actions: ActionRules = Field(default_factory=ActionRules)
    badges: list[BadgeSpec] = Field(default_factory=list)
    streaks: StreakRules = Field(default_factory=StreakRules)
    challenges: ChallengeRules = Field(default_factory=ChallengeRules)
    cheat_guard: CheatGuard = Field(default_factory=CheatGuard)

    @property
    def version(self) -> str:
        """A short fingerprint of the award rules, recorded on every award (the cheat guard
        decides whether an event counts, not what it earns, so it is left out)."""
        rules = self.model_dump_json(exclude={"cheat_guard"})
        return hashlib.sha256(rules.encode()).hexdigest()[:12]

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def badge(self, key: str) -> BadgeSpec | None:
        return next((badge for badge in self.badges if badge.key == key), None)

    def action_points(self, key: str) -> int:
        return next((a.points for a in self.action_types if a.key == key), 0)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Minsk)") from None
        return value

    @field_validator("action_types", "badges")
    @classmethod
    def _unique_keys(
        cls, value: list[ActionTypeSpec] | list[BadgeSpec], info: ValidationInfo
    ) -> list[Any]:
        keys = [item.key for item in value]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            what = "badge" if info.field_name == "badges" else "action type"
            raise ValueError(f"{what} listed twice: {', '.join(duplicates)}")
        return value

    @field_validator("levels")
    @classmethod
    def _ascending(cls, value: list[LevelSpec]) -> list[LevelSpec]:
        thresholds = [level.points for level in value]
        if thresholds[0] != 0:
            raise ValueError("the first level must start at 0 points")
        if thresholds != sorted(set(thresholds)):
            raise ValueError("level thresholds must rise strictly")
        return value

    @model_validator(mode="after")
    def _known_action_types(self) -> ProgramSpec:
        known = {action.key for action in self.action_types}
        for badge in self.badges:
            wanted = badge.criterion.action_type
            if wanted is not None and wanted not in known:
                raise ValueError(f"badge {badge.key!r}: unknown action type {wanted!r}")
        return self
