"""The rules as plain data: program.yaml validation, rule versions, streaks, criteria edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from localleaders.catalog.loader import load_program
from localleaders.catalog.program import CriterionSpec, ProgramSpec, StreakRules
from localleaders.gamification import badges, streaks
from localleaders.gamification.points import place_due
from localleaders.models import UserStreak
from localleaders.resources import data_dir

LEVELS = [{"name": "Neighbour", "points": 0}, {"name": "Organiser", "points": 100}]


def program(**extra: object) -> ProgramSpec:
    return ProgramSpec.model_validate({"levels": LEVELS, **extra})


def test_shipped_rules_define_every_criterion_kind() -> None:
    rules = load_program(data_dir("courses"))
    kinds = {badge.criterion.kind for badge in rules.badges}
    assert kinds == set(badges.METRICS) | {"trainer_awarded"}
    assert rules.time_zone == "Europe/Minsk"
    assert rules.cheat_guard.lesson_min_time_percent > 0


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        ({"kind": "lessons_completed", "tiers": {"bronze": 5, "silver": 3}}, "harder"),
        ({"kind": "lessons_completed", "count": 2, "tiers": {"bronze": 1}}, "either"),
        ({"kind": "challenge_placed", "tiers": {"bronze": 1, "gold": 3}}, "harder"),
        ({"kind": "trainer_awarded", "count": 1}, "no count"),
        ({"kind": "lessons_completed", "course": "x"}, "does not apply"),
        ({"kind": "course_completed", "course": "x", "count": 2}, "one course"),
        ({"kind": "streak_weeks", "tiers": {"gold": 0}}, "at least 1"),
    ],
)
def test_criteria_are_checked(criterion: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CriterionSpec.model_validate(criterion)


def test_placement_tiers_fall_and_are_met_from_above() -> None:
    criterion = CriterionSpec(kind="challenge_placed", tiers={"bronze": 3, "silver": 2, "gold": 1})
    thresholds = criterion.thresholds()
    assert thresholds == {"bronze": 3, "silver": 2, "gold": 1}
    assert [badges.reached(criterion, 2, t) for t in thresholds.values()] == [True, True, False]
    assert not badges.reached(criterion, 0, 3)  # never placed
    counted = CriterionSpec(kind="lessons_completed", count=3)
    assert counted.thresholds() == {"": 3}
    assert badges.reached(counted, 3, 3) and not badges.reached(counted, 2, 3)


def test_program_rules_are_validated() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        program(time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="unknown action type"):
        program(badges=[{"key": "b", "name": "B", "description": "d",
                         "criterion": {"kind": "actions_verified", "action_type": "nope"}}])  # fmt: skip
    twice = {"key": "b", "name": "B", "description": "d", "criterion": {"kind": "trainer_awarded"}}
    with pytest.raises(ValidationError, match="listed twice"):
        program(badges=[twice, twice])
    with pytest.raises(ValidationError, match="colour"):
        program(badges=[{**twice, "colour": "red"}])


def test_rule_version_follows_award_rules_not_the_guard() -> None:
    base = program()
    assert base.version == program().version
    assert program(points={"consultation": 7}).version != base.version
    assert program(cheat_guard={"lesson_min_time_percent": 50}).version == base.version


def test_place_points() -> None:
    rules = program(points={"challenge_places": [100, 60, 30]})
    assert [place_due(place, rules) for place in (1, 2, 3, 4, 0)] == [100, 60, 30, 0, 0]


MONDAY = date(2026, 11, 2)
RULES = StreakRules(freeze_every_weeks=2, max_freezes=1)


def weeks(n: int) -> date:
    return MONDAY + timedelta(weeks=n)


def test_weekly_streak_grows_and_earns_freezes() -> None:
    streak = UserStreak(user_id=1)
    assert streaks.advance(streak, weeks(0), RULES)
    assert not streaks.advance(streak, weeks(0), RULES)  # the same week counts once
    assert streaks.advance(streak, weeks(1), RULES)
    assert (streak.current, streak.best, streak.freezes) == (2, 2, 1)
    streaks.advance(streak, weeks(2), RULES)
    streaks.advance(streak, weeks(3), RULES)
    assert streak.freezes == 1  # capped at max_freezes


def test_a_freeze_covers_one_missed_week() -> None:
    streak = UserStreak(user_id=1)
    for n in range(2):
        streaks.advance(streak, weeks(n), RULES)
    streaks.advance(streak, weeks(3), RULES)  # week 2 missed, covered by the freeze
    assert (streak.current, streak.freezes, streak.freezes_used) == (3, 0, 1)


def test_a_gap_longer_than_the_freezes_restarts_the_streak() -> None:
    streak = UserStreak(user_id=1)
    for n in range(2):
        streaks.advance(streak, weeks(n), RULES)
    streaks.advance(streak, weeks(5), RULES)
    assert (streak.current, streak.best, streak.freezes) == (1, 2, 0)


def test_streak_view_counts_down_with_time() -> None:
    rules = program(time_zone="Europe/Minsk", streaks={"freeze_every_weeks": 2, "max_freezes": 1})
    streak = UserStreak(user_id=1, current=4, best=4, last_week=MONDAY, freezes=1)
    this_week = streaks.view(streak, rules, datetime(2026, 11, 5, tzinfo=UTC))
    assert this_week.this_week_done and this_week.current == 4
    next_week = streaks.view(streak, rules, datetime(2026, 11, 12, tzinfo=UTC))
    assert next_week.at_risk and next_week.current == 4 and next_week.covered == 0
    covered = streaks.view(streak, rules, datetime(2026, 11, 19, tzinfo=UTC))
    assert (covered.current, covered.covered, covered.freezes) == (4, 1, 0)
    broken = streaks.view(streak, rules, datetime(2026, 11, 26, tzinfo=UTC))
    assert (broken.current, broken.best) == (0, 4)


def test_weeks_start_on_monday_in_the_program_zone() -> None:
    rules = program(time_zone="Europe/Minsk")
    # Sunday 22:30 UTC is already Monday 01:30 in Minsk (UTC+3).
    assert streaks.week_of(datetime(2026, 11, 8, 22, 30, tzinfo=UTC), rules) == date(2026, 11, 9)
    assert streaks.week_of(datetime(2026, 11, 8, 20, 0, tzinfo=UTC), rules) == date(2026, 11, 2)
