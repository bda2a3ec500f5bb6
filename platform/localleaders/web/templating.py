"""Jinja2 set-up: per-request translations, cache-busted static URLs, full page or one block.

An htmx request (``HX-Request: true`` and not a history restore) gets only the named
block of the page template; everything else gets the whole page. ``Vary: HX-Request``
keeps caches from mixing the two.
"""

from __future__ import annotations

import gettext
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_timedelta
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from jinja2_fragments import render_block
from markupsafe import Markup

from localleaders.catalog.schemas import in_language
from localleaders.i18n import LANGUAGE_NAMES, LOCALES, N_, Message, translations_for

TRACK_NAMES = {
    "grassroots": Message(N_("Grassroots leaders")),
    "youth": Message(N_("Youth")),
    "women": Message(N_("Women leaders")),
    "shared": Message(N_("For every track")),
}
ACTION_STATUS_NAMES = {
    "draft": Message(N_("Draft")),
    "submitted": Message(N_("Waiting for review")),
    "changes_requested": Message(N_("Changes requested")),
    "verified": Message(N_("Verified")),
    "rejected": Message(N_("Not accepted")),
}
ACTION_FIELD_NAMES = {
    "type": Message(N_("Kind of action")),
    "title": Message(N_("Title")),
    "happened_on": Message(N_("Date")),
    "description": Message(N_("What happened")),
    "outcome": Message(N_("Outcome")),
    "residents_mobilised": Message(N_("Residents mobilised")),
    "participants": Message(N_("Participants")),
    "volunteer_minutes": Message(N_("Volunteer hours")),
    "organisations": Message(N_("Organisations involved")),
    "place": Message(N_("Town or district")),
    "links": Message(N_("Links")),
    "visibility": Message(N_("Who can see it")),
    "lesson_id": Message(N_("Inspired by lesson")),
    "cohort_id": Message(N_("Cohort")),
}
REASON_NAMES = {
    "lesson_completed": Message(N_("Lesson completed")),
    "quiz_passed": Message(N_("Quiz passed")),
    "action_verified": Message(N_("Community action verified")),
    "action_correction": Message(N_("Correction to a community action")),
    "perfect_quiz": Message(N_("Every answer right")),
    "consultation": Message(N_("Consultation with a trainer")),
    "manual": Message(N_("Given by a trainer")),
    "manual_deduction": Message(N_("Deducted by a trainer")),
    "recalculation": Message(N_("Recalculated under new rules")),
    "recalculation_correction": Message(N_("Recalculated under new rules")),
    "challenge_placed": Message(N_("Place in a community challenge")),
    "challenge_goal": Message(N_("Shared goal of a community challenge reached")),
}
TIER_NAMES = {
    "bronze": Message(N_("Bronze")),
    "silver": Message(N_("Silver")),
    "gold": Message(N_("Gold")),
}
GUARD_NAMES = {
    "not_opened": Message(N_("Completed without opening the lesson")),
    "too_soon": Message(N_("Completed too soon after opening")),
    "cooldown": Message(N_("Too quick after the last one")),
    "daily_cap": Message(N_("Over the daily limit")),
    "lesson_completed": Message(N_("Lesson completion")),
    "quiz_submitted": Message(N_("Quiz")),
    "action_logged": Message(N_("Logging an action")),
}


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


@pass_context
def _gettext(context: Context, message: str) -> str:
    translations: gettext.NullTranslations = context["translations"]
    return translations.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    translations: gettext.NullTranslations = context["translations"]
    return translations.ngettext(singular, plural, n)


@pass_context
def _translate_message(context: Context, message: Message | None) -> str:
    if message is None:
        return ""
    return message.translate(context["translations"])


@pass_context
def _local(context: Context, text: str | dict[str, str]) -> str:
    """Picks the reader's language from a per-language text; English, then any, otherwise."""
    return in_language(text, context["locale"])


@pass_context
def _lang_attr(context: Context, language: str | None) -> Markup:
    """` lang="xx"` on an element whose text is in another language than the page."""
    if not language or language == context["locale"] or language not in LANGUAGE_NAMES:
        return Markup("")
    return Markup(f' lang="{language}"')


@pass_context
def _number(context: Context, value: int) -> str:
    return format_decimal(value, locale=context["locale"])


@pass_context
def _datetime(context: Context, value: datetime, format: str = "medium") -> str:
    return babel_format_datetime(value, format=format, locale=context["locale"])


@pass_context
def _duration(context: Context, value: timedelta) -> str:
    """ "3 days", "5 hours": a time span to read at a glance, in the reader's language."""
    return format_timedelta(
        max(value, timedelta(minutes=1)),
        threshold=1.5,
        granularity="minute",
        locale=context["locale"],
    )


@pass_context
def _date(context: Context, value: date | None, format: str = "medium") -> str:
    return (
        "" if value is None else babel_format_date(value, format=format, locale=context["locale"])
    )


class Templates:
    def __init__(self, directory: Path, static_dir: Path, *, debug: bool) -> None:
        self.static_dir = static_dir
        self.env = Environment(
            loader=FileSystemLoader(directory),
            autoescape=select_autoescape(["html", "xml", "svg"]),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            auto_reload=debug,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals.update(
            static=self.static_url,
            languages=LANGUAGE_NAMES,
            track_names=TRACK_NAMES,
            reason_names=REASON_NAMES,
            tier_names=TIER_NAMES,
            guard_names=GUARD_NAMES,
            action_status_names=ACTION_STATUS_NAMES,
            action_field_names=ACTION_FIELD_NAMES,
        )
        self.env.filters.update(
            t=_translate_message, local=_local, number=_number, datetime=_datetime, date=_date,
            langattr=_lang_attr, duration=_duration,
        )  # fmt: skip

    def static_url(self, path: str) -> str:
        return f"/static/{path}?v={_file_digest(self.static_dir / path)}"

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        block: str | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        full = self.context(request, context or {})
        if block is not None and is_htmx(request):
            html = render_block(self.env, template, block, full)
        else:
            html = self.env.get_template(template).render(full)
        response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
        response.headers["Vary"] = "HX-Request, Cookie, Accept-Language"
        response.headers["Content-Language"] = full["locale"]
        return response

    @staticmethod
    def context(request: Request, extra: Mapping[str, Any]) -> dict[str, Any]:
        locale = getattr(request.state, "locale", None) or request.app.state.settings.default_locale
        return {
            "request": request,
            "viewer": getattr(request.state, "user", None),
            "locale": locale if locale in LOCALES else "en",
            "translations": translations_for(locale),
            "settings": request.app.state.settings,
            "errors": {},
            "values": {},
            "result": None,
            "earned": 0,
            "standing": None,
            "celebrations": [],
            "celebrated": [],
            **extra,
        }


@lru_cache(maxsize=256)
def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    except FileNotFoundError:
        return "missing"
