"""Translations: .po files are the source of truth, compiled in memory at start-up.

Services describe errors with :class:`Message` (a msgid marked with ``N_`` plus values)
and never translate themselves; the web layer translates with the reader's locale.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from localleaders.resources import locales_dir

LOCALES = ("be", "ru", "en")
LANGUAGE_NAMES = {"be": "Беларуская", "ru": "Русский", "en": "English"}
DOMAIN = "messages"


def N_(message: str) -> str:
    return message


@dataclass(frozen=True)
class Message:
    msgid: str
    values: dict[str, Any] = field(default_factory=dict)

    def translate(self, translations: gettext.NullTranslations) -> str:
        text = translations.gettext(self.msgid)
        return text % self.values if self.values else text


def _compile(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translations_for(locale: str, root: Path | None = None) -> gettext.NullTranslations:
    po_path = (root or locales_dir()) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == "en" or not po_path.is_file():
        return gettext.NullTranslations()
    return _compile(po_path)


@cache
def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def negotiate(accept_language: str, default: str) -> str:
    """Picks the first supported language from an Accept-Language header."""
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _quality, _position, language in sorted(weighted):
        if language in LOCALES:
            return language
    return default
