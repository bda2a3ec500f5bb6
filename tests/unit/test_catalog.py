"""Course files: the parser, the validator's messages, and Markdown sanitising."""

from __future__ import annotations

from pathlib import Path

import pytest

from localleaders.catalog.loader import load_catalog, load_program, split_front_matter
from localleaders.catalog.markdown import render_markdown
from localleaders.catalog.problems import CourseFileError
from localleaders.resources import data_dir

COURSE = "organising-neighbours"


def problems_for(root: Path) -> list[str]:
    with pytest.raises(CourseFileError) as caught:
        load_catalog(root)
    return [str(problem) for problem in caught.value.problems]


def lesson_file(root: Path) -> Path:
    return root / COURSE / "listen-first" / "map-your-street.md"


def test_shipped_courses_are_valid() -> None:
    catalog = load_catalog(data_dir("courses"))
    assert COURSE in [c.spec.slug for c in catalog.courses]
    assert catalog.program.levels[0].points == 0


def test_front_matter_is_split_from_body() -> None:
    assert split_front_matter("---\ntitle: A\n---\nBody\n") == ("title: A\n", "Body\n")
    assert split_front_matter("No front matter") is None
    assert split_front_matter("---\ntitle: A\n") is None


def test_missing_required_field_names_file_line_and_field(courses_copy: Path) -> None:
    path = lesson_file(courses_copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "titel: ", 1), encoding="utf-8")
    problems = problems_for(courses_copy)
    assert any(str(path) in p and "[title]" in p and "Field required" in p for p in problems)
    assert any(f"{path}:2: [titel]" in p and "Extra inputs" in p for p in problems)


def test_wrong_type_reports_line_of_the_value(courses_copy: Path) -> None:
    path = lesson_file(courses_copy)
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("minutes:"))
    lines[number] = "minutes: a while"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_for(courses_copy)
    assert f"{path}:{number + 1}: [minutes] Input should be a valid integer" in problems[0]


def test_quiz_question_without_a_correct_choice(courses_copy: Path) -> None:
    path = lesson_file(courses_copy)
    text = path.read_text(encoding="utf-8").replace("correct: true", "correct: false")
    path.write_text(text, encoding="utf-8")
    problems = problems_for(courses_copy)
    assert any("[quiz.questions.0.choices]" in p and "at least one choice" in p for p in problems)


def test_broken_yaml(courses_copy: Path) -> None:
    course_file = courses_copy / COURSE / "course.yaml"
    course_file.write_text("slug: [unclosed\n", encoding="utf-8")
    problems = problems_for(courses_copy)
    assert problems[0].startswith(f"{course_file}:") and "not valid YAML" in problems[0]


def test_unknown_track_and_slug_mismatch(courses_copy: Path) -> None:
    course_file = courses_copy / COURSE / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    text = text.replace("track: grassroots", "track: elders").replace(
        f"slug: {COURSE}", "slug: another-name"
    )
    course_file.write_text(text, encoding="utf-8")
    problems = problems_for(courses_copy)
    assert any("[track]" in p and "grassroots" in p for p in problems)


def test_missing_and_unlisted_lesson_files(courses_copy: Path) -> None:
    path = lesson_file(courses_copy)
    path.rename(path.with_name("renamed.md"))
    problems = problems_for(courses_copy)
    assert any("no file map-your-street.md" in p for p in problems)
    assert any("renamed.md" in p and "not listed" in p for p in problems)


def test_lesson_without_front_matter(courses_copy: Path) -> None:
    path = lesson_file(courses_copy)
    path.write_text("Just text\n", encoding="utf-8")
    assert any(f"{path}:1:" in p and "front matter" in p for p in problems_for(courses_copy))


def test_all_problems_are_reported_at_once(courses_copy: Path) -> None:
    main_files = [p for p in (courses_copy / COURSE).glob("*/*.md") if p.name.count(".") == 1]
    for path in main_files[:3]:
        path.write_text("no front matter\n", encoding="utf-8")
    assert len(problems_for(courses_copy)) == 3


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("levels: []", "at least 1 item"),
        ("levels:\n  - name: A\n    points: 5", "must start at 0"),
        ("levels:\n  - name: A\n    points: 0\n  - name: B\n    points: 0", "rise strictly"),
    ],
)
def test_program_levels_are_validated(tmp_path: Path, levels: str, message: str) -> None:
    (tmp_path / "program.yaml").write_text(levels + "\n", encoding="utf-8")
    with pytest.raises(CourseFileError) as caught:
        load_program(tmp_path)
    assert message in str(caught.value)


def test_markdown_is_rendered_and_sanitised() -> None:
    html = render_markdown(
        "## Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://a.example)"
        "\n\n<img src=x onerror=alert(1)>"
    )
    assert "<h2>Title</h2>" in html
    assert "<script" not in html and "<img" not in html and "onerror" not in html
    assert 'href="javascript' not in html
    assert 'href="https://a.example"' in html and 'rel="noopener noreferrer nofollow"' in html
