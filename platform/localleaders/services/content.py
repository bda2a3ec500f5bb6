"""Which language a learner reads course content in.

The rule (also in docs/course-format.md): every text is shown in the learner's language
when it has a version in it, otherwise in the course's main language. A lesson is one
unit: its title, text, practice task and quiz come together from one language, so a page
never mixes two. Views carry the language they show, so templates can mark it (``lang``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pick(
    texts: dict[str, dict[str, str]], key: str, locale: str, main: str, default: str
) -> tuple[str, str]:
    """(text, its language) for one field of ``{language: {field: text}}``."""
    for language in (locale, main):
        value = texts.get(language, {}).get(key)
        if value:
            return value, language
    return default, main


def pick_title(titles: Mapping[str, str], locale: str, main: str, default: str) -> tuple[str, str]:
    for language in (locale, main):
        if titles.get(language):
            return titles[language], language
    return default, main


def language_order(locale: str, main: str) -> tuple[str, ...]:
    return (locale,) if locale == main else (locale, main)


def localized_quiz(rules: dict[str, Any], texts: dict[str, Any] | None) -> dict[str, Any]:
    """The quiz's rules (pass mark, points, right choices) dressed in one language's texts."""
    if texts is None:
        return rules
    questions = []
    for question, words in zip(rules["questions"], texts["questions"], strict=True):
        questions.append(
            {
                "text": words["text"],
                "explanation": words["explanation"],
                "choices": [
                    {"text": text, "correct": choice["correct"]}
                    for choice, text in zip(question["choices"], words["choices"], strict=True)
                ],
            }
        )
    return {**rules, "questions": questions}
