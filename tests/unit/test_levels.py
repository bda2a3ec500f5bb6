"""Levels: thresholds, progress to the next level, the top level."""

from __future__ import annotations

import pytest

from localleaders.catalog.program import LevelSpec
from localleaders.gamification.levels import level_for

LEVELS = [
    LevelSpec(name="A", points=0),
    LevelSpec(name="B", points=50),
    LevelSpec(name="C", points=150),
]


@pytest.mark.parametrize(
    ("points", "number", "name", "percent", "to_next"),
    [
        (0, 1, "A", 0, 50),
        (49, 1, "A", 98, 1),
        (50, 2, "B", 0, 100),
        (100, 2, "B", 50, 50),
        (150, 3, "C", 100, 0),
        (10_000, 3, "C", 100, 0),
    ],
)
def test_level_for(points: int, number: int, name: str, percent: int, to_next: int) -> None:
    level = level_for(points, LEVELS)
    assert (level.number, level.name, level.percent, level.to_next) == (
        number,
        name,
        percent,
        to_next,
    )


def test_top_level_has_no_next() -> None:
    level = level_for(200, LEVELS)
    assert level.next_name is None and level.next_at is None
