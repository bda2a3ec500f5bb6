"""Course content in the reader's language: translated lessons, the fallback to the main
language, shared modules in every track, and the migration that moved lesson texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from localleaders.db import Database
from localleaders.i18n import LOCALES
from localleaders.migrate import upgrade
from localleaders.models import Course, Lesson, LessonText
from tests.conftest import COURSE, QUIZ_LESSON, Users
from tests.integration.test_learning import quiz_answers

SHARED = "digital-safety"


def reader(app: FastAPI, locale: str) -> TestClient:
    return TestClient(app, base_url="https://testserver", cookies={"lang": locale})


def texts_of(session: Session, slug: str) -> dict[str, LessonText]:
    lesson = session.exec(select(Lesson).where(Lesson.slug == slug)).one()
    rows = session.exec(select(LessonText).where(LessonText.lesson_id == lesson.id))
    return {row.language: row for row in rows}


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_lesson_is_shown_in_every_language(
    app: FastAPI, session: Session, locale: str
) -> None:
    rows = session.exec(
        select(Course.slug, Lesson.slug, Lesson.titles).join(Course).where(Lesson.is_published)
    ).all()
    assert len(rows) >= 27
    with reader(app, locale) as client:
        for course, lesson, titles in rows:
            page = soup(client.get(f"/courses/{course}/{lesson}"))
            heading = page.select_one("h1")
            assert heading is not None and heading.get_text(strip=True) == titles[locale]
            assert heading.get("lang") is None, f"{course}/{lesson} falls back in {locale}"
            assert not page.select(".alert--info")


def test_lesson_in_belarusian(app: FastAPI, session: Session, users: Users) -> None:
    be = texts_of(session, QUIZ_LESSON)["be"]
    with reader(app, "be") as client:
        users.login(client)
        page = soup(client.get(f"/courses/{COURSE}/{QUIZ_LESSON}"))
    assert page.html is not None and page.html["lang"] == "be"
    assert page.select_one("h1").get_text(strip=True) == be.title  # type: ignore[union-attr]
    assert be.quiz_texts is not None
    legend = page.select_one("#quiz legend")
    assert legend is not None and be.quiz_texts["questions"][0]["text"] in legend.get_text()
    assert "Гэта заданне завяршаецца дзеяннем у супольнасці" in page.text


@pytest.mark.catalog
def test_missing_translation_falls_back_to_the_main_language(
    app: FastAPI, db: Database, session: Session, users: Users
) -> None:
    english = texts_of(session, QUIZ_LESSON)["en"]
    with db.session(write=True) as write:
        lesson = write.exec(select(Lesson).where(Lesson.slug == QUIZ_LESSON)).one()
        write.delete(write.get(LessonText, (lesson.id, "ru")))
        lesson.titles = {k: v for k, v in lesson.titles.items() if k != "ru"}
    with reader(app, "ru") as client:
        page = soup(client.get(f"/courses/{COURSE}/{QUIZ_LESSON}"))
        heading = page.select_one("h1")
        assert heading is not None and heading.get_text(strip=True) == english.title
        assert heading["lang"] == "en"
        notice = page.select_one(".alert--info")
        assert notice is not None and "English" in notice.get_text()
        assert page.html is not None and page.html["lang"] == "ru"
        # The outline shows the English title, marked as English, among Russian ones.
        outline = soup(client.get(f"/courses/{COURSE}"))
        link = outline.select_one(f'.lesson-list a[href="/courses/{COURSE}/{QUIZ_LESSON}"]')
        assert link is not None and link["lang"] == "en"
        # The quiz still works, and explains itself in the language it was shown in.
        users.login(client)
        result = client.post(
            f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", data=quiz_answers(session, right=True)
        )
        assert english.quiz_texts is not None
        assert english.quiz_texts["questions"][0]["explanation"] in soup(result).get_text()


def test_every_track_shows_the_shared_module(app: FastAPI, session: Session) -> None:
    tracks = session.exec(select(Course).where(Course.track != "shared")).all()
    assert {course.track for course in tracks} == {"grassroots", "youth", "women"}
    with reader(app, "en") as client:
        for course in tracks:
            page = soup(client.get(f"/courses/{course.slug}"))
            shared = page.select(".module--shared")
            assert len(shared) == 1, course.slug
            assert shared[0].select(f'a[href^="/courses/{SHARED}/"]')


def test_shared_lessons_count_towards_every_track(
    client: TestClient, session: Session, users: Users
) -> None:
    users.login(client)
    lesson = session.exec(select(Lesson).join(Course).where(Course.slug == SHARED)).first()
    assert lesson is not None and lesson.quiz is not None
    answers = {
        f"q{n}": [str(i) for i, c in enumerate(q["choices"]) if c["correct"]]
        for n, q in enumerate(lesson.quiz["questions"])
    }
    assert client.post(f"/courses/{SHARED}/{lesson.slug}/quiz", data=answers).status_code == 200
    total = session.exec(select(Course.lesson_count).where(Course.slug == COURSE)).one()
    page = soup(client.get(f"/courses/{COURSE}"))
    assert f"1 of {total} lessons completed" in page.get_text(" ", strip=True)


def test_points_history_names_lessons_in_the_readers_language(
    app: FastAPI, session: Session, users: Users
) -> None:
    be_title = texts_of(session, QUIZ_LESSON)["be"].title
    with reader(app, "be") as client:
        users.login(client)
        client.post(f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", data=quiz_answers(session, True))
        history = soup(client.get("/profile")).select_one("table")
    assert history is not None and be_title in history.get_text()


def test_migration_keeps_existing_lesson_texts(tmp_path: Path) -> None:
    """A database from before per-language texts keeps every lesson's text."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url)
    upgrade(database, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO course (id, slug, title, track, language, summary, position,"
                " lesson_count, is_published, content_hash, synced_at) VALUES (1, 'c', 'C',"
                " 'youth', 'ru', '', 0, 1, 1, '', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text("INSERT INTO module (id, course_id, slug, title, summary, position, is_published)"
                 " VALUES (1, 1, 'm', 'M', '', 0, 1)")
        )  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO lesson (id, course_id, module_id, slug, title, minutes, points,"
                " position, body_html, practice_html, is_published) VALUES (1, 1, 1, 'l',"
                " 'Урок', 5, 10, 0, '<p>Текст</p>', '<p>Задание</p>', 1)"
            )
        )
    upgrade(database, "head")
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT language, title, body_html, practice_html FROM lesson_text")
        ).one()
    assert tuple(row) == ("ru", "Урок", "<p>Текст</p>", "<p>Задание</p>")
    engine.dispose()
    database.dispose()
