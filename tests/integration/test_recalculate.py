"""`localleaders points recalculate`: differences under new rules, appended, never edited."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from localleaders.cli import app as cli
from localleaders.models import BadgeAward, PointEntry, UserPoints
from tests.conftest import COURSE, QUIZ_LESSON, Users
from tests.integration.test_learning import quiz_answers


def change_rules(courses: Path, **points: int) -> None:
    path = courses / "program.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules["points"].update(points)
    for badge in rules["badges"]:
        if badge["key"] == "steady-learner":
            badge["criterion"]["tiers"]["bronze"] = 1
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")


def run(courses: Path, *flags: str) -> str:
    result = CliRunner().invoke(cli, ["points", "recalculate", *flags, str(courses)])
    assert result.exit_code == 0, result.output
    return result.output


def test_recalculation_previews_then_appends_the_difference(
    client: TestClient, users: Users, session: Session, courses_copy: Path, database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("LOCALLEADERS_DATABASE_URL", database_url)
    user = users.login(client, username="maple")
    client.post(f"/courses/{COURSE}/{QUIZ_LESSON}/quiz", data=quiz_answers(session, right=True))
    before = session.exec(select(PointEntry).order_by(col(PointEntry.id))).all()
    total = session.exec(select(UserPoints.total).where(UserPoints.user_id == user.id)).one()
    assert "Would change 0 learners, +0 points in all" in run(courses_copy, "--dry-run")
    change_rules(courses_copy, perfect_quiz=8)

    preview = run(courses_copy, "--dry-run")
    assert "maple: +3 points in 1 awards; new badges: steady-learner/bronze" in preview
    assert "Would change 1 learners, +3 points in all" in preview
    assert session.exec(select(PointEntry).order_by(col(PointEntry.id))).all() == before

    applied = run(courses_copy, "--apply")
    assert "Changed 1 learners, +3 points in all" in applied
    added = session.exec(select(PointEntry).where(col(PointEntry.id) > before[-1].id)).one()
    assert (added.amount, added.reason) == (3, "recalculation")
    assert added.source_key.startswith("perfect:") and added.source_key.endswith(":2")
    assert added.rules_version != before[0].rules_version
    assert (
        session.exec(select(UserPoints.total).where(UserPoints.user_id == user.id)).one()
        == total + 3
    )
    badges = session.exec(select(BadgeAward.badge_key).where(BadgeAward.user_id == user.id)).all()
    assert "steady-learner" in badges
    assert "Changed 0 learners, +0 points in all" in run(courses_copy, "--apply")


def test_recalculation_needs_a_choice(courses_copy: Path) -> None:
    result = CliRunner().invoke(cli, ["points", "recalculate", str(courses_copy)])
    assert result.exit_code == 2 and "--dry-run" in result.output
