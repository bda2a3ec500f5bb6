"""Celebrations: what a request earned, told as toasts (htmx) or on the next page (plain forms).

htmx requests get an ``earned`` event in the HX-Trigger header, with ready-made messages in
the learner's language for the one aria-live region. A plain form's redirect carries the
ids of the notifications it created, which the next page shows (only the learner's own).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from localleaders.catalog.program import ProgramSpec
from localleaders.catalog.schemas import in_language
from localleaders.gamification.engine import Celebration
from localleaders.i18n import translations_for
from localleaders.web.templating import TIER_NAMES


def messages(request: Request, rules: ProgramSpec, celebration: Celebration) -> list[str]:
    locale = request.state.locale
    translations = translations_for(locale)
    found = []
    for new in celebration.badges:
        name = in_language(new.badge.name, locale)
        if new.tier:
            name = f"{name} ({TIER_NAMES[new.tier].translate(translations)})"
        found.append(translations.gettext("New badge: %(name)s") % {"name": name})
    if celebration.level:
        level = rules.levels[celebration.level - 1]
        found.append(
            translations.gettext("New level: %(name)s") % {"name": in_language(level.name, locale)}
        )
    return found


def trigger(celebration: Celebration, texts: list[str]) -> dict[str, str]:
    """The HX-Trigger header for what was earned (none when nothing was); ``texts`` are
    its ``messages``."""
    if not (celebration.points or celebration.badges or celebration.level):
        return {}
    detail: dict[str, Any] = {
        "points": celebration.points,
        "levelUp": celebration.level is not None,
        "messages": texts,
    }
    return {"HX-Trigger": json.dumps({"earned": detail})}


def query(celebration: Celebration) -> str:
    """For a plain form's redirect: ``&c=1,2`` naming the new notifications."""
    ids = ",".join(str(i) for i in celebration.notifications)
    return f"&c={ids}" if ids else ""


def ids_from(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",")[:20] if part.isdigit()]
