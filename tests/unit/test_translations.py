"""Course files in several languages: translation files, the rules that tie them to the
main file, shared modules, practice actions, and what `courses validate` reports missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from localleaders.catalog.loader import Catalog, load_catalog
from localleaders.catalog.problems import CourseFileError
from localleaders.cli import app as cli

PROGRAM = """\
levels:
  - {points: 0, name: {be: Суседка, ru: Соседка, en: Neighbour}}
action_types:
  - {key: neighbourhood-meeting, name: {be: Сустрэча, ru: Встреча, en: Meeting}}
"""
COURSE = """\
slug: street
track: grassroots
language: en
title: {en: Street, be: Вуліца, ru: Улица}
summary: {en: About the street, be: Пра вуліцу, ru: Об улице}
modules:
  - slug: basics
    title: {en: Basics, be: Асновы, ru: Основы}
    lessons: [first]
includes: [safety]
"""
SHARED = """\
slug: safety
track: shared
language: en
title: {en: Safety, be: Бяспека, ru: Безопасность}
modules:
  - slug: protect
    title: {en: Protect, be: Абарона, ru: Защита}
    lessons: [minimal]
"""


def lesson(title: str, *, minutes: int = 10, correct: int = 1, practice: str = "Meet.") -> str:
    choices = "\n".join(
        f"        - text: {title} choice {n}"
        + ("\n          correct: true" if n == correct else "")
        for n in range(3)
    )
    return f"""---
title: {title}
minutes: {minutes}
points: 10
action: neighbourhood-meeting
practice: {practice}
quiz:
  pass_percent: 60
  points: 15
  questions:
    - text: {title} question
      choices:
{choices}
      explanation: {title} because
---

## {title}

Text of {title}.
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small catalogue in three languages with nothing missing."""
    write(tmp_path, "program.yaml", PROGRAM)
    write(tmp_path, "street/course.yaml", COURSE)
    write(tmp_path, "safety/course.yaml", SHARED)
    for language, word in (("", "First"), (".be", "Першы"), (".ru", "Первый")):
        write(tmp_path, f"street/basics/first{language}.md", lesson(word))
    for language, word in (("", "Minimal"), (".be", "Мінімум"), (".ru", "Минимум")):
        write(tmp_path, f"safety/protect/minimal{language}.md", lesson(word))
    return tmp_path


def problems_for(root: Path) -> list[str]:
    with pytest.raises(CourseFileError) as caught:
        load_catalog(root)
    return [str(problem) for problem in caught.value.problems]


def test_translations_load_and_nothing_is_missing(root: Path) -> None:
    catalog: Catalog = load_catalog(root)
    street = next(c for c in catalog.courses if c.spec.slug == "street")
    first = street.lessons["first"]
    assert set(first.versions) == {"be", "ru", "en"}
    assert first.versions["be"].spec.title == "Першы"
    assert first.versions["be"].spec.quiz is not None
    assert first.versions["be"].spec.quiz.questions[0].choices[1].correct
    assert street.texts()["ru"] == {"title": "Улица", "summary": "Об улице"}
    assert catalog.missing == []


def test_missing_translations_are_reported_not_errors(root: Path) -> None:
    (root / "street/basics/first.be.md").unlink()
    course = root / "street/course.yaml"
    course.write_text(course.read_text().replace(", ru: Основы", ""), encoding="utf-8")
    missing = [str(problem) for problem in load_catalog(root).missing]
    assert any(
        "first.md" in m and "no Belarusian (be) version: write first.be.md" in m for m in missing
    )
    assert any("[modules.0.title] no Russian (ru) version" in m for m in missing)
    assert len(missing) == 2


def test_translation_must_keep_the_structure(root: Path) -> None:
    path = write(root, "street/basics/first.ru.md", lesson("Первый", correct=2, minutes=12))
    problems = problems_for(root)
    assert any(
        f"{path}: [quiz.questions.0.choices] correct: true is on other choices" in p
        for p in problems
    )
    assert any(f"{path}: [minutes] minutes is 12, not 10" in p for p in problems)


def test_translation_may_leave_out_shared_settings(root: Path) -> None:
    path = root / "street/basics/first.be.md"
    path.write_text(path.read_text().replace("minutes: 10\n", ""), encoding="utf-8")
    assert load_catalog(root).missing == []


def test_translation_without_the_practice_task(root: Path) -> None:
    path = root / "street/basics/first.be.md"
    path.write_text(path.read_text().replace("practice: Meet.\n", ""), encoding="utf-8")
    assert any("[practice] the practice task is missing" in p for p in problems_for(root))


def test_oddly_named_lesson_files(root: Path) -> None:
    main = write(root, "street/basics/first.en.md", lesson("First"))
    unknown = write(root, "street/basics/first.uk.md", lesson("Перший"))
    problems = problems_for(root)
    assert any(str(main) in p and "main language" in p and "first.md" in p for p in problems)
    assert any(str(unknown) in p and "unknown language 'uk'" in p for p in problems)


def test_unknown_action_and_bad_includes(root: Path) -> None:
    path = root / "street/basics/first.md"
    path.write_text(path.read_text().replace("neighbourhood-meeting", "picnic"), encoding="utf-8")
    course = root / "street/course.yaml"
    course.write_text(course.read_text().replace("[safety]", "[safety, street]"), encoding="utf-8")
    shared = root / "safety/course.yaml"
    shared.write_text(shared.read_text() + "includes: [street]\n", encoding="utf-8")
    problems = problems_for(root)
    assert any(f"{path}: [action] unknown action type 'picnic'" in p for p in problems)
    assert any("[includes.1] no shared module 'street'" in p for p in problems)
    assert any("[includes] a shared module cannot include others" in p for p in problems)


def test_cli_lists_missing_translations_and_strict_fails(root: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["courses", "validate", "--strict", str(root)])
    assert clean.exit_code == 0, clean.output
    assert "missing translation" not in clean.output
    (root / "safety/protect/minimal.ru.md").unlink()
    lenient = runner.invoke(cli, ["courses", "validate", str(root)])
    assert lenient.exit_code == 0
    assert "missing translation:" in lenient.output and "minimal.ru.md" in lenient.output
    strict = runner.invoke(cli, ["courses", "validate", "--strict", str(root)])
    assert strict.exit_code == 1
