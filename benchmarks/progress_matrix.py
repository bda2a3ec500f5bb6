"""Benchmark: the progress matrix of a 300-learner cohort over the three track courses.

Builds a throwaway SQLite database (real migrations, the real courses from courses/, real
lesson completions and quiz attempts), logs a trainer in through the app and requests
the cohort page again and again. Prints the median and 95th percentile in milliseconds,
the page's size and the number of SQL statements one request runs.

    .venv/bin/python benchmarks/progress_matrix.py [--learners 300] [--runs 50]

Not part of ``make test``: it measures, it does not assert. ``make bench-matrix`` runs it.
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert
from sqlmodel import Session, col, select

from localleaders.catalog.loader import load_catalog
from localleaders.catalog.sync import sync_catalog
from localleaders.db import Database
from localleaders.migrate import upgrade
from localleaders.models import (
    CohortMember,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Role,
    User,
    UserPoints,
)
from localleaders.models.base import utcnow
from localleaders.resources import data_dir
from localleaders.services import cohorts, passwords
from localleaders.services import progress_matrix as matrix
from localleaders.settings import Settings
from localleaders.web.app import create_app

COURSES = ["organising-neighbours", "youth-initiatives", "women-leaders"]  # + shared digital-safety
PASSWORD = "benchmark password 1234"


def build(db: Database, learners: int, seed: int) -> tuple[int, str, int]:
    """The cohort, its trainer's username and its lesson count."""
    upgrade(db)
    with db.session(write=True) as session:
        sync_catalog(session, load_catalog(data_dir("courses")))
    with db.session(write=True) as session:
        trainer = User(username="trainer", display_name="Trainer", role=Role.trainer.value,
                       password_hash=passwords.hash_password(PASSWORD))  # fmt: skip
        session.add(trainer)
        session.flush()
        form = cohorts.CohortForm(name="Benchmark", course_slugs=COURSES, starts_on="2026-03-01")
        cohort = cohorts.create(session, actor=trainer, form=form)
        assert cohort.id is not None
        columns = matrix.lesson_columns(session, cohort=cohort, locale="en")
        _learners(session, cohort.id, columns, learners, random.Random(seed))
        return cohort.id, trainer.username, len(columns.lessons)


def _learners(
    session: Session, cohort_id: int, columns: matrix.Columns, count: int, rng: random.Random
) -> None:
    """Each learner has worked through the first k lessons, with one or two quiz attempts
    per quiz (a failed one first, sometimes) and a failed try at the next quiz."""
    course_of = dict(session.exec(select(Lesson.id, Lesson.course_id).where(
        col(Lesson.id).in_(columns.lesson_ids))).all())  # fmt: skip
    now = utcnow()
    completions: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for number in range(count):
        user = User(username=f"learner{number}", display_name=f"Сусед {number:03d}",
                    password_hash="-")  # fmt: skip
        session.add(user)
        session.flush()
        assert user.id is not None
        joined = now - timedelta(days=rng.randint(0, 60))
        session.add(CohortMember(cohort_id=cohort_id, user_id=user.id, joined_at=joined))
        session.add(UserPoints(user_id=user.id, total=rng.randint(0, 900)))
        done = rng.randint(0, len(columns.lessons))
        for index, lesson in enumerate(columns.lessons[: done + 1]):
            at = min(now, joined + timedelta(hours=index * rng.randint(1, 20)))
            row = {"user_id": user.id, "lesson_id": lesson.id, "created_at": at, "answers": {}}
            if lesson.has_quiz and (index == done or rng.random() < 0.3):
                attempts.append({**row, "correct": rng.randint(0, 2), "total": 4, "passed": False})
            if index == done:
                break
            if lesson.has_quiz:
                attempts.append({**row, "correct": rng.randint(3, 4), "total": 4, "passed": True})
            completions.append({"user_id": user.id, "lesson_id": lesson.id,
                                "course_id": course_of[lesson.id], "completed_at": at})  # fmt: skip
    if completions:
        session.execute(insert(LessonCompletion), completions)
    if attempts:
        session.execute(insert(QuizAttempt), attempts)


def measure(client: TestClient, url: str, runs: int, db: Database) -> dict[str, float]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    client.get(url)  # warm up: template compilation, caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    event.listen(db.engine, "before_cursor_execute", record)
    body = client.get(url).content
    event.remove(db.engine, "before_cursor_execute", record)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, round(0.95 * len(timings)) - 1)],
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body)),
        "queries": len(statements),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        db = Database(url)
        started = time.perf_counter()
        cohort_id, username, lessons = build(db, args.learners, args.seed)
        with db.session() as session:
            completions = len(session.exec(select(LessonCompletion.id)).all())
            attempts = len(session.exec(select(QuizAttempt.id)).all())
        print(f"built {args.learners} learners x {lessons} lessons ({completions} completions, "
              f"{attempts} quiz attempts) in {time.perf_counter() - started:.1f} s")  # fmt: skip
        app = create_app(Settings(environment="test", database_url=url), db=db)
        with TestClient(app, base_url="https://testserver") as client:
            login = client.post("/login", data={"username": username, "password": PASSWORD},
                                follow_redirects=False)  # fmt: skip
            assert login.status_code == 303, login.text
            pages = {
                "first screen (full page, 50 learners)": f"/trainer/cohorts/{cohort_id}",
                "sorted by completion (full page)": f"/trainer/cohorts/{cohort_id}?sort=completion&dir=desc",
                "next 50 learners (htmx rows)": f"/trainer/cohorts/{cohort_id}/matrix?page=2",
            }
            for label, path in pages.items():
                if "htmx" in label:
                    client.headers["HX-Request"] = "true"
                result = measure(client, path, args.runs, db)
                client.headers.pop("HX-Request", None)
                print(f"{label}: median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
                      f"{result['bytes'] / 1024:.1f} KiB ({result['gzip_bytes'] / 1024:.1f} KiB gzipped), "
                      f"{result['queries']:.0f} SQL statements")  # fmt: skip
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
