"""The load benchmark's data set, built from scratch in a throwaway folder.

The real migrations and the real courses (a copy: the cheat guard off, so a load of
completions is not turned away as too quick, and the quizzes taken out of one course, so
its lessons are completed by the "complete" button the benchmark posts). Then, seeded so
every run builds the same: N learners who worked through a random number of lessons
(completions, passed quizzes, their ledger rows and totals, leaderboards rebuilt from the
ledger), a trainer running a 300-learner cohort of the three tracks, and signed-in
sessions whose cookies the load generator sends.
"""

from __future__ import annotations

import random
import secrets
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert
from sqlmodel import Session, col, select

from localleaders.catalog.loader import load_catalog, load_program
from localleaders.catalog.sync import sync_catalog
from localleaders.db import Database
from localleaders.gamification.recalculate import rebuild_boards
from localleaders.migrate import upgrade
from localleaders.models import (
    CohortMember,
    Course,
    Lesson,
    LessonCompletion,
    PointEntry,
    QuizAttempt,
    Role,
    User,
    UserPoints,
    UserSession,
)
from localleaders.models.base import utcnow
from localleaders.resources import data_dir
from localleaders.services import cohorts
from localleaders.services.sessions import hash_token

TRACKS = ["organising-neighbours", "youth-initiatives", "women-leaders"]
NO_QUIZ = "youth-initiatives"  # its lessons are completed with the button (POST .../complete)
COHORT_SIZE = 300


@dataclass
class DataSet:
    cohort_id: int
    course: str  # the course and lesson of the lesson page
    lesson: str
    learner: str  # a signed-in learner's session token (in the cohort)
    trainer: str  # the trainer's session token
    posters: list[str]  # tokens of learners who post completions
    post_lessons: list[str]  # "course/slug" of lessons completed with the button
    learners: int
    entries: int


def courses(target: Path) -> Path:
    shutil.copytree(data_dir("courses"), target)
    program = target / "program.yaml"
    rules = yaml.safe_load(program.read_text(encoding="utf-8"))
    rules["cheat_guard"] = {"lesson_min_time_percent": 0, "limits": {}}
    program.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), "utf-8")
    for path in (target / NO_QUIZ).glob("*/*.md"):
        head, _, body = path.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
        front = yaml.safe_load(head)
        if isinstance(front, dict) and front.pop("quiz", None) is not None:
            dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
            path.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")
    return target


def build(db: Database, courses_dir: Path, secret: str, *, learners: int, entries: int,
          posters: int, seed: int = 7) -> DataSet:  # fmt: skip
    rng = random.Random(seed)
    upgrade(db)
    with db.session(write=True) as session:
        sync_catalog(session, load_catalog(courses_dir))
    rules = load_program(courses_dir)
    with db.session(write=True) as session:
        lessons = _lessons(session)
        ids = _users(session, learners)
        made = _progress(session, ids[: len(ids) - posters], lessons, entries, rng)
        session.execute(insert(UserPoints), [
            {"user_id": u, "total": made[1].get(u, 0), "updated_at": utcnow()} for u in ids
        ])  # fmt: skip
        trainer = User(username="trainer", display_name="Trainer", role=Role.trainer.value,
                       password_hash="!")  # fmt: skip
        session.add(trainer)
        session.flush()
        form = cohorts.CohortForm(name="Benchmark", course_slugs=TRACKS, starts_on="2026-09-01")
        cohort = cohorts.create(session, actor=trainer, form=form)
        session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": u,
                                                "joined_at": utcnow()} for u in ids[:COHORT_SIZE]])  # fmt: skip
        rebuild_boards(session, rules)
        key = secret.encode()
        learner_token = _session(session, ids[COHORT_SIZE // 2], key)
        trainer_token = _session(session, trainer.id or 0, key)
        poster_tokens = [_session(session, u, key, "bench-poster") for u in ids[-posters:]]
        quizless = [f"{NO_QUIZ}/{slug}" for slug, course, has_quiz in lessons
                    if course == NO_QUIZ and not has_quiz]  # fmt: skip
        first = next((slug, course) for slug, course, has_quiz in lessons
                     if course == TRACKS[0] and has_quiz)  # fmt: skip
        assert cohort.id is not None
        return DataSet(cohort.id, first[1], first[0], learner_token, trainer_token, poster_tokens,
                       quizless, learners, made[0])  # fmt: skip


def _lessons(session: Session) -> list[tuple[str, str, bool]]:
    """(slug, course slug, has a quiz) of every lesson of the tracks, in course order."""
    rows = session.exec(
        select(Lesson.slug, Course.slug, Lesson.quiz)
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .where(col(Course.slug).in_(TRACKS))
        .order_by(col(Course.position), col(Lesson.module_id), col(Lesson.position))
    ).all()
    return [(slug, course, quiz is not None) for slug, course, quiz in rows]


def _users(session: Session, count: int) -> list[int]:
    now = utcnow()
    session.execute(insert(User), [
        {"username": f"learner{n}", "display_name": f"Neighbour {n:05d}", "password_hash": "!",
         "role": Role.learner.value, "is_active": True, "must_change_password": False,
         "leaderboard_opt_out": False, "created_at": now} for n in range(count)
    ])  # fmt: skip
    ids = list(session.exec(select(User.id).order_by(col(User.id))).all())
    return [i for i in ids if i is not None]


def _progress(session: Session, ids: list[int], lessons: list[tuple[str, str, bool]],
              entries: int, rng: random.Random) -> tuple[int, dict[int, int]]:  # fmt: skip
    """Completions, passed quizzes and their ledger rows (about ``entries`` in all), and
    each learner's total. The learners who post completions in the run start with none."""
    lookup = {(s, c): (i, cid, q) for i, s, c, cid, q in session.exec(
        select(Lesson.id, Lesson.slug, Course.slug, Lesson.course_id, Lesson.quiz)
        .join(Course, col(Course.id) == col(Lesson.course_id)))}  # fmt: skip
    quizzes = sum(1 for *_, has_quiz in lessons if has_quiz) / len(lessons)
    done_per_learner = max(1, round(entries / ((1 + quizzes) * len(ids))))  # quiz rows beside
    now = utcnow()
    completions: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    totals: dict[int, int] = {}
    for user_id in ids:
        count = min(len(lessons), max(0, int(rng.gauss(done_per_learner, done_per_learner / 2))))
        for index, (slug, course, _) in enumerate(lessons[:count]):
            lesson_id, course_id, quiz = lookup[(slug, course)]
            at = now - timedelta(days=60) + timedelta(hours=index * 20 + rng.randint(0, 19))
            completions.append({"user_id": user_id, "lesson_id": lesson_id,
                                "course_id": course_id, "completed_at": at})  # fmt: skip
            ledger.append(_row(user_id, 10, "lesson_completed", f"lesson:{lesson_id}", at))
            if quiz is not None:
                attempts.append({"user_id": user_id, "lesson_id": lesson_id, "correct": 4,
                                 "total": 4, "passed": True, "answers": {}, "created_at": at})  # fmt: skip
                ledger.append(_row(user_id, 10, "quiz_passed", f"quiz:{lesson_id}", at))
            totals[user_id] = totals.get(user_id, 0) + (20 if quiz is not None else 10)
    for batch in (completions, attempts, ledger):
        table = {id(completions): LessonCompletion, id(attempts): QuizAttempt,
                 id(ledger): PointEntry}[id(batch)]  # fmt: skip
        for start in range(0, len(batch), 20_000):
            session.execute(insert(table), batch[start : start + 20_000])
    return len(ledger), totals


def _row(user_id: int, amount: int, reason: str, key: str, at: Any) -> dict[str, Any]:
    return {"user_id": user_id, "amount": amount, "reason": reason, "source_key": key,
            "note": "", "created_at": at, "rules_version": "", "awarded_by": None}  # fmt: skip


def _session(session: Session, user_id: int, key: bytes, agent: str = "bench") -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(UserSession(user_id=user_id, token_hash=hash_token(token, key), user_agent=agent,
                            created_at=now, last_seen_at=now,
                            expires_at=now + timedelta(days=30)))  # fmt: skip
    session.flush()
    return token
