"""Syncing course files into the database: idempotent, in place, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from localleaders.catalog.loader import load_catalog
from localleaders.catalog.sync import sync_catalog
from localleaders.cli import app as cli
from localleaders.db import Database
from localleaders.models import Course, Lesson, LessonCompletion, LessonText
from tests.conftest import COURSE, PLAIN_LESSON, Users

pytestmark = pytest.mark.catalog


def snapshot(session: Session) -> list[tuple]:
    rows = session.exec(select(Lesson).order_by(Lesson.id)).all()
    texts = session.exec(
        select(LessonText).order_by(LessonText.lesson_id, LessonText.language)
    ).all()
    return [(r.id, r.slug, r.title, r.titles, r.position, r.is_published) for r in rows] + [
        (t.lesson_id, t.language, t.title, t.body_html, t.quiz_texts) for t in texts
    ]


def sync(db: Database, root: Path):  # type: ignore[no-untyped-def]
    with db.session(write=True) as write:
        return sync_catalog(write, load_catalog(root))


def test_resync_changes_nothing(db: Database, courses_copy: Path, session: Session) -> None:
    before = snapshot(session)
    report = sync(db, courses_copy)
    assert not report.changed
    assert snapshot(session) == before


def test_edited_lesson_updates_in_place_and_progress_survives(
    db: Database, courses_copy: Path, session: Session, client: TestClient, users: Users
) -> None:
    user = users.login(client)
    client.post(f"/courses/{COURSE}/{PLAIN_LESSON}/complete")
    lesson_id = session.exec(select(Lesson.id).where(Lesson.slug == PLAIN_LESSON)).one()
    path = courses_copy / COURSE / "money-and-staying-power" / f"{PLAIN_LESSON}.md"
    text = path.read_text(encoding="utf-8").replace("title: ", "title: Updated - ", 1)
    path.write_text(text, encoding="utf-8")
    report = sync(db, courses_copy)
    assert report.updated == [f"course {COURSE}", f"lesson {COURSE}/{PLAIN_LESSON}"]
    assert not report.created
    lesson = session.exec(select(Lesson).where(Lesson.slug == PLAIN_LESSON)).one()
    assert lesson.id == lesson_id and lesson.title.startswith("Updated - ")
    assert session.exec(select(LessonCompletion).where(LessonCompletion.user_id == user.id)).one()
    assert "Updated - " in client.get(f"/courses/{COURSE}/{PLAIN_LESSON}").text


def test_removed_lesson_is_unpublished_not_deleted(
    db: Database, courses_copy: Path, session: Session, client: TestClient
) -> None:
    course_file = courses_copy / COURSE / "course.yaml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace(f"      - {PLAIN_LESSON}\n", ""),
        encoding="utf-8",
    )
    for path in (courses_copy / COURSE / "money-and-staying-power").glob(f"{PLAIN_LESSON}*.md"):
        path.unlink()
    count = session.exec(select(Course.lesson_count).where(Course.slug == COURSE)).one()
    report = sync(db, courses_copy)
    assert report.unpublished == [f"lesson {PLAIN_LESSON}"]
    assert (
        session.exec(select(Lesson.is_published).where(Lesson.slug == PLAIN_LESSON)).one() is False
    )
    assert client.get(f"/courses/{COURSE}/{PLAIN_LESSON}").status_code == 404
    lesson_count = select(Course.lesson_count).where(Course.slug == COURSE)
    assert session.exec(lesson_count).one() == count - 1


def test_cli_validate_reports_problems_and_exits_non_zero(courses_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["courses", "validate", str(courses_copy)])
    assert ok.exit_code == 0 and "OK: 4 course(s)" in ok.output
    path = courses_copy / COURSE / "listen-first" / "map-your-street.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("minutes: ", "minutes: x", 1), encoding="utf-8"
    )
    broken = runner.invoke(cli, ["courses", "validate", str(courses_copy)])
    assert broken.exit_code == 1
    assert "map-your-street.md:" in broken.output and "[minutes]" in broken.output


def test_cli_sync_of_a_broken_folder_changes_nothing(
    database_url: str, courses_copy: Path, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(session)
    course_file = courses_copy / COURSE / "course.yaml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace("title:", "title: Renamed", 1),
        encoding="utf-8",
    )
    (courses_copy / COURSE / "listen-first" / "map-your-street.md").write_text(
        "broken\n", encoding="utf-8"
    )
    monkeypatch.setenv("LOCALLEADERS_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["courses", "sync", str(courses_copy)])
    assert result.exit_code == 1 and "Nothing was changed" in result.output
    assert snapshot(session) == before
    assert "Renamed" not in session.exec(select(Course.title).where(Course.slug == COURSE)).one()


def test_synced_at_moves_only_when_the_files_change(db, courses_copy) -> None:  # type: ignore[no-untyped-def]
    sync(db, courses_copy)
    with db.session() as session:
        first = session.exec(select(Course.synced_at).where(Course.slug == COURSE)).one()
    sync(db, courses_copy)
    with db.session() as session:
        assert session.exec(select(Course.synced_at).where(Course.slug == COURSE)).one() == first
    course_file = courses_copy / COURSE / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    sync(db, courses_copy)
    with db.session() as session:
        assert session.exec(select(Course.synced_at).where(Course.slug == COURSE)).one() > first
