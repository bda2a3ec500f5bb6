"""Server-rendered SVG charts: valid XML, no inline styles (strict CSP), a text
alternative always, and nothing broken by empty data or hostile labels."""

from __future__ import annotations

import gettext
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from localleaders.reports.charts import Chart, bar_chart, impact_charts, nice_ceiling, time_series
from localleaders.reports.impact import CohortRow, ImpactReport, MonthRow, TypeRow

SVG = "{http://www.w3.org/2000/svg}"
HEADERS = ("Kind", "Actions")


def parse(chart: Chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def assert_accessible(chart: Chart) -> ET.Element:
    root = parse(chart)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.summary
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.tag
    assert not root.findall(f".//{SVG}script") and not root.findall(f".//{SVG}style")
    return root


def test_bar_chart_draws_one_bar_per_item_scaled_to_the_largest() -> None:
    items = [("Public event", 4), ("Appeal", 2), ("Other", 0)]
    chart = bar_chart(chart_id="c-bars", title="By kind", summary="6 in all", items=items,
                      headers=HEADERS)  # fmt: skip
    root = assert_accessible(chart)
    bars = root.findall(f".//{SVG}rect")
    widths = [float(bar.get("width", "")) for bar in bars]
    assert len(bars) == 3 and widths[0] == 2 * widths[1] and widths[2] == 0
    assert all("chart__bar" in bar.get("class", "") for bar in bars)
    labels = [t.text for t in root.iter(f"{SVG}text") if "chart__label" in t.get("class", "")]
    assert labels == ["Public event", "Appeal", "Other"]
    assert chart.rows == [("Public event", "4"), ("Appeal", "2"), ("Other", "0")]
    assert chart.headers == HEADERS


def test_time_series_has_a_line_a_dot_per_point_and_a_value_axis() -> None:
    points = [("Jan 2026", 1), ("Feb 2026", 0), ("Mar 2026", 7)]
    chart = time_series(chart_id="c-line", title="By month", summary="8 in all",
                        points=points, headers=("Month", "Actions"))  # fmt: skip
    root = assert_accessible(chart)
    assert len(root.findall(f".//{SVG}polyline")) == 1
    dots = root.findall(f".//{SVG}circle")
    assert len(dots) == 3
    # each dot names its point for pointer users
    assert [dot.find(f"{SVG}title").text for dot in dots] == ["Jan 2026: 1", "Feb 2026: 0",  # type: ignore[union-attr]
                                                               "Mar 2026: 7"]  # fmt: skip
    axis = [t.text for t in root.iter(f"{SVG}text") if "chart__axis" in t.get("class", "")]
    assert axis == ["0", "5", "10"]  # 7 rounds up to 10, with 5 half way
    # the highest point is the top of the plot, the zero on the axis line
    ys = [float(dot.get("cy", "")) for dot in dots]
    assert ys[1] > ys[0] > ys[2]
    assert chart.rows == [("Jan 2026", "1"), ("Feb 2026", "0"), ("Mar 2026", "7")]


def test_a_single_month_is_a_dot_without_a_line() -> None:
    chart = time_series(chart_id="one", title="t", summary="s", points=[("Mar 2026", 3)],
                        headers=HEADERS)  # fmt: skip
    root = assert_accessible(chart)
    assert not root.findall(f".//{SVG}polyline") and len(root.findall(f".//{SVG}circle")) == 1


@pytest.mark.parametrize("draw", [bar_chart, time_series])
def test_empty_data_gives_a_message_not_an_error(draw) -> None:  # type: ignore[no-untyped-def]
    key = "items" if draw is bar_chart else "points"
    chart = draw(chart_id="empty", title="Nothing", summary="No figures.", headers=HEADERS,
                 **{key: []})  # fmt: skip
    root = assert_accessible(chart)
    assert chart.rows == []
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["No figures."]
    assert not root.findall(f".//{SVG}rect") and not root.findall(f".//{SVG}circle")


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    hostile = '<script>alert("x")</script> & "friends" of the courtyard, ' + "very " * 20
    chart = bar_chart(chart_id="esc", title="A & B <c>", summary='"quoted"', items=[(hostile, 1)],
                      headers=HEADERS)  # fmt: skip
    assert "<script>" not in str(chart.svg)
    root = assert_accessible(chart)
    label = next(
        t.text or "" for t in root.iter(f"{SVG}text") if "chart__label" in t.get("class", "")
    )
    assert label.startswith('<script>alert("x")</script> &') and label.endswith("…")
    assert chart.rows[0][0] == hostile  # the data table keeps the whole label


def test_an_unusable_id_is_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart(chart_id='x" onload="alert(1)', title="t", summary="s", items=[("a", 1)],
                  headers=HEADERS)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "top"), [(0, 2), (1, 2), (2, 2), (3, 4), (7, 10), (11, 20), (45, 50), (130, 200)]
)
def test_nice_ceiling(value: float, top: float) -> None:
    assert nice_ceiling(value) == top


def test_impact_charts_in_the_readers_words() -> None:
    report = ImpactReport(
        leaders_trained=0, learners_active=0, lessons_completed=0, training_minutes=0,
        consultation_minutes=0,
        by_type=[TypeRow("public-event", 2, 30, 40), TypeRow("appeal", 1, 5, 0)],
        volunteer_minutes=0, leaders_mobilising=2, by_gender=[],
        by_cohort=[CohortRow(1, "Spring", 3, 35, 2, 40, 0, 0, 0)],
        by_month=[MonthRow(date(2026, 3, 1), 2, 30), MonthRow(date(2026, 4, 1), 1, 5)],
    )  # fmt: skip
    charts = impact_charts(
        report, translate=lambda message: message.translate(gettext.NullTranslations()),
        number=str, month_label=lambda month: month.strftime("%Y-%m"),
        type_names={"public-event": "Public event"},
    )  # fmt: skip
    assert [chart.id for chart in charts] == [
        "chart-actions-by-month", "chart-residents-by-month", "chart-actions-by-type",
        "chart-residents-by-cohort",
    ]  # fmt: skip
    for chart in charts:
        assert_accessible(chart)
    assert charts[0].rows == [("2026-03", "2"), ("2026-04", "1")]
    assert charts[1].summary == "35 in all; the most: 2026-03, 30."
    assert charts[2].rows == [("Public event", "2"), ("appeal", "1")]  # unnamed: its key
    assert charts[3].rows == [("Spring", "35")]
