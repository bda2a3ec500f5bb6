"""The shipped course content meets the program's own standard, in every language:
three tracks of three modules of three lessons or more, each lesson 400-900 words with a
quiz of 3-5 explained questions and a practice task ending in a community action, and a
shared digital-safety module that every track includes."""

from __future__ import annotations

import re

import pytest

from localleaders.catalog.loader import Catalog, LoadedLesson, load_catalog
from localleaders.i18n import LOCALES
from localleaders.models.catalog import Track
from localleaders.resources import data_dir

SHARED = "digital-safety"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(data_dir("courses"))


def lessons(catalog: Catalog) -> list[LoadedLesson]:
    return [lesson for course in catalog.courses for lesson in course.lessons.values()]


def words(markdown: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", markdown))


def test_nothing_is_missing_in_any_language(catalog: Catalog) -> None:
    assert [str(problem) for problem in catalog.missing] == []


def test_three_tracks_of_three_modules_of_three_lessons(catalog: Catalog) -> None:
    tracks = [c for c in catalog.courses if c.spec.track != Track.shared]
    assert sorted(c.spec.track.value for c in tracks) == ["grassroots", "women", "youth"]
    for course in tracks:
        assert len(course.spec.modules) >= 3, course.spec.slug
        assert all(len(m.lessons) >= 3 for m in course.spec.modules), course.spec.slug
        assert course.spec.includes == [SHARED]
    assert sum(len(c.lessons) for c in tracks) >= 27
    shared = next(c for c in catalog.courses if c.spec.slug == SHARED)
    assert shared.spec.track == Track.shared and len(shared.lessons) >= 3


def test_every_lesson_is_long_enough_and_not_too_long(catalog: Catalog) -> None:
    wrong = {
        f"{version.path.name}: {words(version.body)} words"
        for lesson in lessons(catalog)
        for version in lesson.versions.values()
        if not 400 <= words(version.body) <= 900
    }
    assert not wrong


def test_every_lesson_has_a_quiz_a_practice_task_and_an_action(catalog: Catalog) -> None:
    for lesson in lessons(catalog):
        spec = lesson.spec
        assert spec.practice and spec.action, lesson.path
        assert spec.quiz is not None and 3 <= len(spec.quiz.questions) <= 5, lesson.path
        for version in lesson.versions.values():
            assert version.spec.quiz is not None
            assert all(q.explanation for q in version.spec.quiz.questions), version.path


def test_every_lesson_has_a_worked_example(catalog: Catalog) -> None:
    """The format asks for a concrete example; authors mark it with an "Example" heading."""
    marker = {"en": "example", "be": "прыклад", "ru": "пример"}
    for lesson in lessons(catalog):
        for language in LOCALES:
            version = lesson.versions[language]
            headings = " ".join(re.findall(r"^#{2,4} (.+)$", version.body, re.M)).lower()
            assert marker[language] in headings, version.path


def test_pass_marks_can_be_reached_without_a_perfect_score_on_long_quizzes(
    catalog: Catalog,
) -> None:
    for lesson in lessons(catalog):
        quiz = lesson.spec.quiz
        assert quiz is not None
        needed = -(-quiz.pass_percent * len(quiz.questions) // 100)
        assert needed < len(quiz.questions) or len(quiz.questions) <= 3, lesson.path
