"""Shared fixtures. The suite runs on SQLite by default, and on PostgreSQL when
LOCALLEADERS_TEST_DATABASE_URL is set (``make test`` starts a throwaway server for it).

The schema is built once per run by the real migrations and the real courses are synced
once (with one change: PLAIN_LESSON loses its quiz, so the "mark as complete" path of
lessons without a quiz is exercised although every shipped lesson has one); after each test every table except the catalogue is emptied, so tests see committed
data exactly as the app does (real transactions, real concurrency) and never each other's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from localleaders.catalog.loader import load_catalog, load_program, split_front_matter
from localleaders.catalog.program import CheatGuard, ProgramSpec
from localleaders.catalog.sync import sync_catalog
from localleaders.db import Database
from localleaders.migrate import upgrade
from localleaders.models import Role, User, UserPoints, metadata
from localleaders.resources import data_dir
from localleaders.services import passwords
from localleaders.settings import Settings
from localleaders.web.app import create_app

PASSWORD = "correct horse battery staple"
CATALOG_TABLES = {"course", "module", "lesson", "lesson_text", "alembic_version"}
COURSE = "organising-neighbours"
PLAIN_LESSON = "keep-the-group-going"  # a lesson without a quiz
QUIZ_LESSON = "map-your-street"


def copy_courses(target: Path) -> Path:
    """The shipped courses, with the quiz taken out of PLAIN_LESSON in every language, and
    the cheat guard off: tests complete lessons without waiting (tests/.../test_guard.py
    switch it on)."""
    shutil.copytree(data_dir("courses"), target)
    program = target / "program.yaml"
    rules = yaml.safe_load(program.read_text(encoding="utf-8"))
    rules["cheat_guard"] = {"lesson_min_time_percent": 0, "limits": {}}
    program.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in target.glob(f"{COURSE}/*/{PLAIN_LESSON}*.md"):
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        assert parts is not None
        front = yaml.safe_load(parts[0])
        front.pop("quiz", None)
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{dumped}---\n{parts[1]}", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def courses_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_courses(tmp_path_factory.mktemp("catalogue") / "courses")


@pytest.fixture(scope="session")
def program(courses_root: Path) -> ProgramSpec:
    """The rules the test app runs with (the shipped ones, cheat guard off)."""
    return load_program(courses_root)


@pytest.fixture
def strict(app: FastAPI) -> Iterator[ProgramSpec]:
    """A strict cheat guard (a daily cap of 2 completions, to reach it), for one test."""
    relaxed: ProgramSpec = app.state.program
    guard = CheatGuard(
        lesson_min_time_percent=25,
        limits={"lesson_completed": {"cooldown_seconds": 20, "daily_cap": 2},
                "quiz_submitted": {"cooldown_seconds": 10, "daily_cap": 60},
                "action_logged": {"cooldown_seconds": 30, "daily_cap": 15}},
    )  # fmt: skip
    app.state.program = relaxed.model_copy(update={"cheat_guard": guard})
    yield app.state.program
    app.state.program = relaxed


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("LOCALLEADERS_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def db(database_url: str, courses_root: Path) -> Iterator[Database]:
    database = Database(database_url)
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database)
    with database.session(write=True) as session:
        sync_catalog(session, load_catalog(courses_root))
    yield database
    database.dispose()


def _empty_user_tables(db: Database) -> None:
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in CATALOG_TABLES]
    with db.session(write=True) as session:
        if db.is_sqlite:
            for table in tables:
                session.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "db" in request.fixturenames:
        db: Database = request.getfixturevalue("db")
        _empty_user_tables(db)
        if request.node.get_closest_marker("catalog"):
            with db.session(write=True) as session:
                session.execute(text("DELETE FROM lesson"))
                session.execute(text("DELETE FROM module"))
                session.execute(text("DELETE FROM course"))
                sync_catalog(session, load_catalog(request.getfixturevalue("courses_root")))


@pytest.fixture(scope="session")
def settings(
    database_url: str, courses_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(environment="test", database_url=database_url, courses_dir=courses_root,
                    data_dir=tmp_path_factory.mktemp("data"))  # fmt: skip


@pytest.fixture(scope="session")
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db=db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Hashing is slow on purpose; tests share one hash of PASSWORD."""
    return passwords.hash_password(PASSWORD)


class Users:
    """Creates accounts straight in the database and logs test clients in."""

    def __init__(self, db: Database, password_hash: str) -> None:
        self.db = db
        self.password_hash = password_hash
        self.count = 0

    def create(self, role: Role = Role.learner, **fields: Any) -> User:
        self.count += 1
        values = {"username": f"user{self.count}", "display_name": f"Neighbour {self.count}"}
        values.update(fields)
        with self.db.session(write=True) as session:
            user = User(password_hash=self.password_hash, role=role.value, **values)
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add(UserPoints(user_id=user.id, total=0))
        return user

    def login(self, client: TestClient, role: Role = Role.learner, **fields: Any) -> User:
        user = self.create(role, **fields)
        response = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return user


@pytest.fixture
def users(db: Database, password_hash: str) -> Users:
    return Users(db, password_hash)


class FreshSession(Session):
    """Ends its transaction before each query, so assertions see the latest commits
    (a long-lived SQLite read transaction would keep reading its first snapshot)."""

    def exec(self, *args: Any, **kwargs: Any) -> Any:
        self.rollback()
        return super().exec(*args, **kwargs)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A read session for assertions about what was stored."""
    with FreshSession(db.engine, expire_on_commit=False) as read_session:
        yield read_session


@pytest.fixture
def courses_copy(tmp_path: Path) -> Path:
    """A writable copy of the synced courses folder, for tests that break or edit files."""
    return copy_courses(tmp_path / "courses")


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("LOCALLEADERS_TEST_DATABASE_URL") or "sqlite (temporary file)"
    return f"database: {url.split('@')[-1]}"
