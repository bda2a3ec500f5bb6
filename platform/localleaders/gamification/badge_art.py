"""Badge images: our own icon (static/img/badges/icons/<key>.svg) on a disc in the badge's
colour, ringed in its tier's metal. Drawn as SVG on the server, so no image is fetched
from anywhere and every badge of the rules has art without a design step."""

from __future__ import annotations

import io
import re
from functools import cache
from html import escape
from pathlib import Path

from localleaders.catalog.program import BadgeSpec
from localleaders.resources import data_dir

RIMS = {"bronze": "#a8692f", "silver": "#8d99a6", "gold": "#c9971c", "": "#24443b"}
RIM_LIGHT = {"bronze": "#e0a36a", "silver": "#dfe5ea", "gold": "#f5d77a", "": "#5f8f80"}
_INNER = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def icons_dir() -> Path:
    return data_dir("static") / "img" / "badges" / "icons"


@cache
def _icon(key: str) -> str:
    path = icons_dir() / f"{key}.svg"
    found = _INNER.search(path.read_text(encoding="utf-8"))
    return found.group(1).strip() if found else ""


def has_icon(key: str) -> bool:
    return (icons_dir() / f"{key}.svg").is_file()


def svg(badge: BadgeSpec, tier: str, title: str) -> str:
    """A 120x120 badge. ``title`` is the accessible name (the badge's name and tier)."""
    rim, light = RIMS.get(tier, RIMS[""]), RIM_LIGHT.get(tier, RIM_LIGHT[""])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img">'
        f"<title>{escape(title)}</title>"
        f'<circle cx="60" cy="60" r="58" fill="{rim}"/>'
        f'<circle cx="60" cy="60" r="53" fill="none" stroke="{light}" stroke-width="2"/>'
        f'<circle cx="60" cy="60" r="48" fill="{badge.colour}"/>'
        f'<g transform="translate(28 28)" color="#ffffff" fill="none">{_icon(badge.icon_key)}</g>'
        "</svg>"
    )


def bake(image: str, assertion_json: str) -> bytes:
    """The SVG with the assertion embedded (Open Badges baking), by openbadges-bakery."""
    from openbadges_bakery import bake as bake_image  # type: ignore[import-untyped]

    baked = bake_image(io.BytesIO(image.encode()), assertion_json, io.BytesIO())
    return baked.getvalue()  # type: ignore[no-any-return]
