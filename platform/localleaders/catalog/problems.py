"""Problems found in course files, each naming the file, the line where known, and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    file: Path
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class CourseFileError(Exception):
    """Raised when course files cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def line_of(node: yaml.Node | None, loc: tuple[Any, ...], offset: int = 0) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    if node is None:
        return None
    best = node
    for key in loc:
        child = None
        if isinstance(best, yaml.MappingNode):
            for key_node, value_node in best.value:
                if key_node.value == key:
                    child = value_node
                    break
        elif (
            isinstance(best, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(best.value)
        ):
            child = best.value[key]
        if child is None:
            break
        best = child
    return best.start_mark.line + 1 + offset


def problems_from(
    error: ValidationError, file: Path, node: yaml.Node | None, offset: int = 0
) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        field = ".".join(str(part) for part in loc)
        message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(file, field, message, line_of(node, loc, offset)))
    return problems
