"""What an event is worth under the rules: one place for the use cases and recalculation."""

from __future__ import annotations

from localleaders.catalog.program import ProgramSpec
from localleaders.models import ActionStatus, CommunityAction


def action_due(action: CommunityAction, rules: ProgramSpec) -> int:
    """A verified action: its type's points, plus points per resident mobilised (capped)."""
    if action.status != ActionStatus.verified.value:
        return 0
    residents = min(action.residents_mobilised, rules.points.residents_cap)
    return rules.action_points(action.type) + residents * rules.points.per_resident


def place_due(place: int, rules: ProgramSpec) -> int:
    """A community challenge placement: 1st, 2nd, ... as listed in the rules."""
    places = rules.points.challenge_places
    return places[place - 1] if 1 <= place <= len(places) else 0
