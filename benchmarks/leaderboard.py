"""Benchmark: one leaderboard with a million learners, on SQLite and on PostgreSQL.

Builds the board with the real schema (migrations) in a throwaway database: N learners
whose points follow a long-tailed distribution (most have a few hundred, a few thousands),
their scores and the per-score counts the app keeps. Then, for randomly chosen learners,
times what a board page asks: the top 10, "you are #k of N" and the learners just above and
below (``gamification.boards.standing``), against the naive rank
``SELECT COUNT(*) ... WHERE score > mine`` on the same index.

    .venv/bin/python benchmarks/leaderboard.py [--learners 1000000] [--samples 2000]
    .venv/bin/python tests/pgserver.py -- .venv/bin/python benchmarks/leaderboard.py --postgres

``make bench-boards`` runs both. It measures, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import Session, select

from localleaders.db import Database
from localleaders.gamification import boards
from localleaders.migrate import upgrade
from localleaders.models import BoardScore

BOARD = boards.ALL
BATCH = 50_000


def scores_for(count: int, seed: int = 7) -> list[int]:
    """Long-tailed points: lessons (10-20 each), quizzes and actions (30-150 each)."""
    rng = random.Random(seed)
    return [min(20_000, int(rng.lognormvariate(5.3, 0.9))) for _ in range(count)]


def _fill_sqlite(db: Database, scores: list[int]) -> None:
    with db.engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.executemany(
            "INSERT INTO user (id, username, display_name, password_hash, role, is_active,"
            " must_change_password, leaderboard_opt_out, created_at)"
            " VALUES (?, ?, ?, '-', 'learner', 1, 0, 0, '2026-01-01 00:00:00')",
            ((i + 1, f"u{i + 1}", f"Learner {i + 1}") for i in range(len(scores))),
        )
        cursor.executemany(
            "INSERT INTO board_score (board, user_id, score) VALUES (?, ?, ?)",
            ((BOARD, i + 1, score) for i, score in enumerate(scores)),
        )


def _fill_postgres(db: Database, scores: list[int]) -> None:
    with db.engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            with cursor.copy(
                'COPY "user" (id, username, display_name, password_hash, role, is_active,'
                " must_change_password, leaderboard_opt_out, created_at) FROM STDIN"
            ) as copy:
                for i in range(len(scores)):
                    copy.write_row((i + 1, f"u{i + 1}", f"Learner {i + 1}", "-", "learner",
                                    True, False, False, "2026-01-01 00:00:00+00"))  # fmt: skip
            with cursor.copy("COPY board_score (board, user_id, score) FROM STDIN") as copy:
                for i, score in enumerate(scores):
                    copy.write_row((BOARD, i + 1, score))
        connection.execute(text("ANALYZE"))


def build(db: Database, learners: int) -> list[int]:
    upgrade(db)
    scores = scores_for(learners)
    (_fill_sqlite if db.is_sqlite else _fill_postgres)(db, scores)
    with db.engine.begin() as connection:
        counted = Counter(scores)
        connection.execute(
            text("INSERT INTO board_count (board, score, count) VALUES (:b, :s, :c)"),
            [{"b": BOARD, "s": s, "c": c} for s, c in counted.items()],
        )
        if db.is_sqlite:
            connection.execute(text("ANALYZE"))
    return scores


def naive_rank(session: Session, score: int) -> int:
    above = session.exec(
        select(func.count()).where(BoardScore.board == BOARD, BoardScore.score > score)
    ).one()
    return int(above) + 1


def timed(samples: list[tuple[int, int]], work: Callable[[int, int], object]) -> list[float]:
    times = []
    for user_id, score in samples:
        start = time.perf_counter()
        work(user_id, score)
        times.append((time.perf_counter() - start) * 1000)
    return times


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument(
        "--postgres", action="store_true", help="use LOCALLEADERS_TEST_DATABASE_URL"
    )
    args = parser.parse_args()
    if args.postgres:
        url = os.environ["LOCALLEADERS_TEST_DATABASE_URL"]
        folder = None
    else:
        folder = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(folder.name) / 'board.db'}"
    db = Database(url)
    started = time.perf_counter()
    scores = build(db, args.learners)
    built = time.perf_counter() - started
    rng = random.Random(11)
    picks = rng.sample(range(len(scores)), args.samples)
    samples = [(i + 1, scores[i]) for i in picks]
    with Session(db.engine) as session:
        timed(samples[:100], lambda u, s: boards.standing(session, BOARD, user_id=u))  # warm up
        ours = timed(samples, lambda u, s: boards.standing(session, BOARD, user_id=u))
        naive = timed(samples, lambda u, s: naive_rank(session, s))
        check = [(boards.standing(session, BOARD, user_id=u).mine, naive_rank(session, s))
                 for u, s in samples[:50]]  # fmt: skip
    assert all(mine is not None and mine.rank == rank for mine, rank in check), "ranks differ"
    engine = "PostgreSQL" if not db.is_sqlite else "SQLite"
    distinct = len(set(scores))
    print(f"{engine}: {args.learners:,} learners on one board ({distinct:,} distinct scores), "
          f"built in {built:.0f} s; {args.samples} random learners; "
          f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")  # fmt: skip
    print("| query | p50 ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- |")
    for name, values in (("top 10 + my rank + neighbours + size (ours)", ours),
                         ("naive rank: COUNT(*) WHERE score > mine", naive)):  # fmt: skip
        print(f"| {name} | {p(values, 50):.2f} | {p(values, 95):.2f} | {max(values):.2f} |")
    db.dispose()
    if folder is not None:
        folder.cleanup()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
