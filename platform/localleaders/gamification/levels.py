"""Levels: named thresholds on total points, defined in courses/program.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from localleaders.catalog.program import LevelSpec
from localleaders.catalog.schemas import LocalTitle


@dataclass(frozen=True)
class LevelProgress:
    number: int
    name: LocalTitle
    points: int
    floor: int
    next_name: LocalTitle | None
    next_at: int | None

    @property
    def percent(self) -> int:
        """How far the learner is from this level's floor to the next one."""
        if self.next_at is None:
            return 100
        span = self.next_at - self.floor
        return min(100, max(0, (self.points - self.floor) * 100 // span))

    @property
    def to_next(self) -> int:
        return 0 if self.next_at is None else self.next_at - self.points


def level_for(points: int, levels: list[LevelSpec]) -> LevelProgress:
    index = 0
    for position, level in enumerate(levels):
        if points >= level.points:
            index = position
    nxt = levels[index + 1] if index + 1 < len(levels) else None
    return LevelProgress(
        number=index + 1,
        name=levels[index].name,
        points=points,
        floor=levels[index].points,
        next_name=nxt.name if nxt else None,
        next_at=nxt.points if nxt else None,
    )
