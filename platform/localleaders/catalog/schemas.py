"""The shape of course files. Unknown keys are errors so that typos do not pass silently."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from localleaders.models.catalog import Track

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Language = Literal["be", "ru", "en"]
# A text in one language, or one per language: {be: ..., ru: ..., en: ...}
LocalTitle = Title | dict[Language, Title]
LocalText = str | dict[Language, str]


def texts_of(value: str | Mapping[Any, str], main: str) -> dict[str, str]:
    """A one-language text belongs to the main language; empty versions do not count."""
    versions = {main: value} if isinstance(value, str) else dict(value)
    return {language: text.strip() for language, text in versions.items() if text.strip()}


def in_language(text: str | Mapping[Any, str], locale: str) -> str:
    """One text of a per-language text: the reader's language, then English, then any."""
    if isinstance(text, str):
        return text
    return text.get(locale) or text.get("en") or next(iter(text.values()), "")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ModuleSpec(Strict):
    slug: Slug
    title: LocalTitle
    summary: LocalText = ""
    lessons: list[Slug] = Field(min_length=1)

    @field_validator("lessons")
    @classmethod
    def _unique_lessons(cls, value: list[str]) -> list[str]:
        duplicates = sorted({slug for slug in value if value.count(slug) > 1})
        if duplicates:
            raise ValueError(f"lesson listed twice: {', '.join(duplicates)}")
        return value


class CourseSpec(Strict):
    slug: Slug
    title: LocalTitle
    track: Track
    language: Language = "en"
    summary: LocalText = ""
    modules: list[ModuleSpec] = Field(min_length=1)
    includes: list[Slug] = Field(default_factory=list)

    @field_validator("includes")
    @classmethod
    def _unique_includes(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a shared module is included twice")
        return value

    @model_validator(mode="after")
    def _unique_slugs(self) -> CourseSpec:
        modules = [m.slug for m in self.modules]
        if len(set(modules)) != len(modules):
            raise ValueError("two modules share a slug")
        lessons = [slug for m in self.modules for slug in m.lessons]
        if len(set(lessons)) != len(lessons):
            raise ValueError("a lesson slug is used in two modules")
        return self


class ChoiceSpec(Strict):
    text: Annotated[str, Field(min_length=1, max_length=500)]
    correct: bool = False


class QuestionSpec(Strict):
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    choices: list[ChoiceSpec] = Field(min_length=2, max_length=6)
    explanation: str = ""

    @field_validator("choices")
    @classmethod
    def _one_correct(cls, value: list[ChoiceSpec]) -> list[ChoiceSpec]:
        if not any(choice.correct for choice in value):
            raise ValueError("at least one choice must have correct: true")
        return value


class QuizSpec(Strict):
    pass_percent: int = Field(default=70, ge=1, le=100)
    # None: the default of program.yaml (points.quiz_passed).
    points: int | None = Field(default=None, ge=0, le=1000)
    questions: list[QuestionSpec] = Field(min_length=1, max_length=30)


class LessonSpec(Strict):
    title: Title
    minutes: int = Field(default=5, ge=1, le=120)
    # None: the default of program.yaml (points.lesson_completed).
    points: int | None = Field(default=None, ge=0, le=1000)
    action: Slug | None = None
    practice: str = ""
    quiz: QuizSpec | None = None
