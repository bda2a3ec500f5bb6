"""Charts drawn on the server as SVG: no script, no external library, nothing for a strict
Content-Security-Policy to block, and they print.

Each chart comes with its text alternative: a ``<title>`` and ``<desc>`` inside the SVG
(read by screen readers through ``role="img"``) and the figures as rows for a data table
next to it. Colours come from classes styled in app.css with the design's custom
properties, so charts follow dark mode; ``currentColor`` and plain black text are the
fallbacks when the SVG is seen without the stylesheet. No ``style`` attributes anywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from localleaders.i18n import N_, Message
from localleaders.reports.impact import ImpactReport

WIDTH = 420
BAR_ROW = 30  # a label line, then the bar under it
BAR_HEIGHT = 11
SERIES_HEIGHT = 220
PAD = {"top": 14, "right": 30, "bottom": 36, "left": 40}
MAX_X_LABELS = 6
LABEL_CHARS = 50  # longer labels are cut with "…"; the data table has them in full

Format = Callable[[float], str]


@dataclass(frozen=True)
class Chart:
    """An inline SVG and its text alternative: the same figures as table rows."""

    id: str
    title: str
    summary: str
    svg: Markup
    headers: tuple[str, str]
    rows: list[tuple[str, str]]


def _number(value: float) -> str:
    return f"{value:g}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _open(chart_id: str, height: int, title: str, summary: str, kind: str) -> list[str]:
    if not re.fullmatch(r"[A-Za-z][\w-]*", chart_id):
        raise ValueError(f"not a usable id: {chart_id!r}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


def _empty(chart_id: str, title: str, summary: str, kind: str) -> Markup:
    parts = _open(chart_id, 60, title, summary, kind)
    parts.append(
        f'<text class="chart__empty" x="{WIDTH // 2}" y="34" text-anchor="middle" '
        f'font-size="14" fill="currentColor">{escape(summary)}</text></svg>'
    )
    return Markup("".join(parts))


def bar_chart(
    *, chart_id: str, title: str, summary: str, items: Sequence[tuple[str, float]],
    headers: tuple[str, str], fmt: Format = _number,
) -> Chart:  # fmt: skip
    """Horizontal bars, one per item, each under its label: long, translated labels (kinds
    of action, cohort names) stay readable on a phone. ``summary`` should say the gist."""
    rows = [(label, fmt(value)) for label, value in items]
    if not items:
        return Chart(chart_id, title, summary, _empty(chart_id, title, summary, "bar"),
                     headers, rows)  # fmt: skip
    height = BAR_ROW * len(items) + 8
    parts = _open(chart_id, height, title, summary, "bar")
    top = max(max(value for _label, value in items), 0) or 1
    room = WIDTH - 64  # space for the value after the longest bar
    for index, (label, value) in enumerate(items):
        y = index * BAR_ROW
        length = max(value, 0) / top * room
        parts.append(
            f'<g class="chart__item"><text class="chart__label" x="0" y="{y + 13}" '
            f'font-size="13" fill="currentColor">{escape(_short(label))}</text>'
            f'<rect class="chart__bar" x="0" y="{y + 17}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT}" rx="2" fill="currentColor"/>'
            f'<text class="chart__value" x="{length + 5:.1f}" y="{y + 27}" font-size="12" '
            f'font-weight="700" fill="currentColor">{escape(fmt(value))}</text></g>'
        )
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), headers, rows)


def nice_ceiling(value: float) -> float:
    """A round top for the value axis (2, 4, 5 or 10 times a power of ten, at least 2),
    so that its half, also labelled, is a round number too."""
    if value <= 2:
        return 2
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 4, 5, 10) if step * power >= value)


def time_series(
    *, chart_id: str, title: str, summary: str, points: Sequence[tuple[str, float]],
    headers: tuple[str, str], fmt: Format = _number,
) -> Chart:  # fmt: skip
    """A line through one value per period (months), with a dot on each; a few period
    labels under it and the value axis at 0, half and the top."""
    rows = [(label, fmt(value)) for label, value in points]
    if not points:
        return Chart(chart_id, title, summary, _empty(chart_id, title, summary, "series"),
                     headers, rows)  # fmt: skip
    parts = _open(chart_id, SERIES_HEIGHT, title, summary, "series")
    left, right, top_pad = PAD["left"], WIDTH - PAD["right"], PAD["top"]
    bottom = SERIES_HEIGHT - PAD["bottom"]
    top = nice_ceiling(max(value for _label, value in points))
    parts.extend(_value_axis(left, right, top_pad, bottom, top, fmt))
    step = (right - left) / max(len(points) - 1, 1)
    coords = [
        (left + (index * step if len(points) > 1 else (right - left) / 2),
         bottom - max(value, 0) / top * (bottom - top_pad))
        for index, (_label, value) in enumerate(points)
    ]  # fmt: skip
    if len(coords) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline class="chart__line" points="{line}" fill="none" '
            f'stroke="currentColor" stroke-width="2.5" stroke-linejoin="round"/>'
        )
    every = math.ceil(len(points) / MAX_X_LABELS)
    for index, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(
            f'<circle class="chart__dot" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="currentColor">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></circle>"
        )
        if index % every == 0:
            parts.append(
                f'<text class="chart__label" x="{x:.1f}" y="{bottom + 22}" font-size="12" '
                f'text-anchor="middle" fill="currentColor">{escape(_short(label))}</text>'
            )
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), headers, rows)


def _value_axis(
    left: int, right: int, top_pad: int, bottom: int, top: float, fmt: Format
) -> list[str]:
    parts = []
    for share in (0, 0.5, 1):
        y = bottom - share * (bottom - top_pad)
        parts.append(
            f'<line class="chart__grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.25"/>'
            f'<text class="chart__axis" x="{left - 6}" y="{y + 4:.1f}" font-size="12" '
            f'text-anchor="end" fill="currentColor">{escape(fmt(share * top))}</text>'
        )
    return parts


# --- the impact report's charts ---------------------------------------------------------------


def impact_charts(
    report: ImpactReport, *, translate: Callable[[Message], str], number: Format,
    month_label: Callable[[date], str], type_names: dict[str, str],
) -> list[Chart]:  # fmt: skip
    """Verified actions and residents mobilised by month, verified actions by kind, and
    residents mobilised by cohort: in the reader's language, with their summaries."""

    def text(msgid: str) -> str:
        return translate(Message(msgid))

    def summary(items: Sequence[tuple[str, float]]) -> str:
        if not any(value for _label, value in items):
            return text(N_("No figures for this selection."))
        label, value = max(items, key=lambda item: item[1])
        values = {
            "total": number(sum(v for _l, v in items)),
            "label": label,
            "value": number(value),
        }
        return translate(Message(N_("%(total)s in all; the most: %(label)s, %(value)s."), values))

    month, actions = text(N_("Month")), text(N_("Verified actions"))
    residents = text(N_("Residents mobilised"))
    months = [month_label(row.month) for row in report.by_month]
    charts = []
    for chart_id, title, values, headers in (
        ("chart-actions-by-month", N_("Verified actions by month"),
         [row.actions for row in report.by_month], (month, actions)),
        ("chart-residents-by-month", N_("Residents mobilised by month"),
         [row.residents for row in report.by_month], (month, residents)),
    ):  # fmt: skip
        points = list(zip(months, values, strict=True))
        charts.append(time_series(chart_id=chart_id, title=text(title), summary=summary(points),
                                  points=points, headers=headers, fmt=number))  # fmt: skip
    no_cohort = text(N_("No cohort"))
    for chart_id, title, items, headers in (
        ("chart-actions-by-type", N_("Verified actions by kind"),
         [(type_names.get(row.key, row.key), row.actions) for row in report.by_type],
         (text(N_("Kind of action")), actions)),
        ("chart-residents-by-cohort", N_("Residents mobilised by cohort"),
         [(row.name or no_cohort, row.residents) for row in report.by_cohort],
         (text(N_("Cohort")), residents)),
    ):  # fmt: skip
        charts.append(bar_chart(chart_id=chart_id, title=text(title), summary=summary(items),
                                items=items, headers=headers, fmt=number))  # fmt: skip
    return charts
