"""SQL statements per request on the main pages: a regression guard, not a timing.

Each page's count is pinned, and it must not grow with the data (no query per learner,
lesson or badge). A change that adds a statement to a page fails here: if it is worth it,
raise the number in BUDGET in the same commit and say why.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from localleaders.db import Database
from localleaders.models import Role
from tests.conftest import COURSE, PLAIN_LESSON, QUIZ_LESSON, Users
from tests.integration.test_access_matrix import sign_in
from tests.integration.test_trainer import add_learners, complete, counting, lesson, new_cohort

BUDGET = {  # statements, not counting BEGIN (only SQLite's driver setup sends one)
    "lesson page": 10,
    "course page": 9,
    "profile": 8,
    "cohort leaderboard": 4,
    "progress matrix": 15,
    "lesson complete": 50,  # a first completion: first rows of boards, streak and a badge
}


def _measure(client: TestClient, db: Database, users: Users, learners: int) -> dict[str, int]:
    trainer = users.create(Role.trainer)
    cohort_id = new_cohort(db, trainer)
    ids = add_learners(db, cohort_id, learners, prefix=f"n{learners}-")
    with db.session() as session:
        lessons = [lesson(session, COURSE, index=i) for i in range(4)]
    for number, user_id in enumerate(ids):
        for item in lessons[: number % 4 + 1]:
            complete(db, user_id, item)
    me = users.create()
    with db.session(write=True) as session:
        from localleaders.models import CohortMember

        session.add(CohortMember(cohort_id=cohort_id, user_id=me.id or 0))
    pages = {
        "lesson page": ("GET", f"/courses/{COURSE}/{QUIZ_LESSON}", me),
        "course page": ("GET", f"/courses/{COURSE}", me),
        "profile": ("GET", "/profile", me),
        "cohort leaderboard": ("GET", f"/cohorts/{cohort_id}/leaderboard", me),
        "progress matrix": ("GET", f"/trainer/cohorts/{cohort_id}", trainer),
        "lesson complete": ("POST", f"/courses/{COURSE}/{PLAIN_LESSON}/complete", me),
    }
    counts = {}
    for name, (method, path, who) in pages.items():
        client.cookies.clear()
        sign_in(client, who)
        client.get(path if method == "GET" else f"/courses/{COURSE}/{PLAIN_LESSON}")  # warm
        with counting(db) as statements:
            response = client.request(method, path, follow_redirects=False)
        assert response.status_code in (200, 303), (name, response.status_code)
        counts[name] = sum(1 for s in statements if not s.startswith("BEGIN"))
        if name in __import__("os").environ.get("SHOW_STATEMENTS", ""):
            print(name, *(" ".join(s.split())[:150] for s in statements), sep="\n  ")
    return counts


@pytest.mark.parametrize("learners", [3, 12])
def test_main_pages_run_a_fixed_number_of_statements(
    client: TestClient, db: Database, users: Users, learners: int
) -> None:
    assert _measure(client, db, users, learners) == BUDGET
