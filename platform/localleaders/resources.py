"""Finds the data folders (templates, static, courses) in a checkout or an installed wheel.

The wheel carries them under ``localleaders/_data``; a checkout has them at the top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"Cannot find the {name!r} folder next to the localleaders package")


def migrations_dir() -> Path:
    return _PACKAGE / "migrations"


def locales_dir() -> Path:
    return _PACKAGE / "locales"
