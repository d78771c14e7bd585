"""The scorecard's charts, drawn once from the monthly figures for both media.

The page gets ECharts options (read as JSON by ``static/js/app.js``; the CSP forbids inline
scripts), the PDF gets the same series drawn here as SVG in Python (WeasyPrint runs no
JavaScript and the server fetches nothing). Counts and yuan never share an axis; legends sit
above the plot, never over the bars.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from villageaid.core.fonts import FAMILY
from villageaid.reports import selectors
from villageaid.reports.formatting import axis_text, figure_text

PALETTE = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f")


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    unit: str
    axis: int  # 0 left, 1 right
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    months: list[str]
    series: list[Series]
    axis_units: tuple[str, ...]


def months_of(start: dt.date, end: dt.date, limit: int = 24) -> list[tuple[dt.date, dt.date]]:
    """The calendar months the range touches (at most ``limit``)."""
    found: list[tuple[dt.date, dt.date]] = []
    first = start.replace(day=1)
    while first <= end and len(found) < limit:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        found.append((first, following - dt.timedelta(days=1)))
        first = following
    return found


def monthly(area: Any, start: dt.date, end: dt.date, keys: list[str]) -> dict[str, Any]:
    """Per-month values of ``keys`` over the range's months, from the stored indicators."""
    months = months_of(start, end)
    values: dict[str, list[float | None]] = {key: [] for key in keys}
    for first, last in months:
        figures = selectors.scorecard(area=area, start=first, end=last)["figures"]
        for key in keys:
            value = figures.get(key)
            values[key].append(None if value is None else float(value))
    labels = [
        f"{m.month}月" if len({f.year for f, _l in months}) == 1 else f"{m.year % 100}年{m.month}月"
        for m, _l in months
    ]
    return {"months": labels, "values": values}


def charts_for(area: Any, start: dt.date, end: dt.date) -> list[Chart]:
    keys = ["harvest_jin", "sales_yuan", "households_visited", "clues_raised", "cases_opened"]
    data = monthly(area, start, end, keys)
    v = data["values"]
    jin, yuan, household, item = _("斤"), _("元"), _("户"), _("件")
    return [
        Chart(
            "production",
            _("羊肚菌产量与销售额（按月）"),
            data["months"],
            [
                Series("harvest_jin", _("产量（斤）"), jin, 0, v["harvest_jin"]),
                Series("sales_yuan", _("销售额（元）"), yuan, 1, v["sales_yuan"]),
            ],
            (jin, yuan),
        ),
        Chart(
            "work",
            _("走访、预警线索与监测案件（按月）"),
            data["months"],
            [
                Series(
                    "households_visited", _("走访农户（户）"), household, 0, v["households_visited"]
                ),
                Series("clues_raised", _("预警线索（条）"), _("条"), 0, v["clues_raised"]),
                Series("cases_opened", _("监测案件（件）"), item, 0, v["cases_opened"]),
            ],
            (_("户 / 条 / 件"),),
        ),
    ]


# --- ECharts (the page) ----------------------------------------------------------------------


def echarts_option(chart: Chart) -> dict[str, Any]:
    """Options a phone reads: the legend in one scrolling row above a plot that starts below
    it, one y axis per unit, labels that fit 390 px."""
    axes = [
        {
            "type": "value",
            "name": unit,
            "position": "left" if n == 0 else "right",
            "nameTextStyle": {"fontSize": 11},
            "axisLabel": {"fontSize": 10},
            "splitLine": {"show": n == 0},
        }
        for n, unit in enumerate(chart.axis_units)
    ]
    return {
        "animation": False,
        "title": {"text": chart.title, "left": 0, "top": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 24, "left": 0, "right": 0, "itemWidth": 14},
        "grid": {"top": 84, "left": 8, "right": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": chart.months, "axisLabel": {"fontSize": 10}},
        "yAxis": axes,
        "series": [
            {
                "name": s.name,
                "type": "bar",
                "yAxisIndex": s.axis,
                "data": s.values,
                "barMaxWidth": 18,
            }
            for s in chart.series
        ],
        "color": list(PALETTE),
    }


# --- SVG (the PDF) ---------------------------------------------------------------------------


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * n for n in range(math.ceil(top / step) + 1)]


def svg(chart: Chart, width: int = 640, height: int = 300) -> str:
    """The chart as an SVG document: grouped bars, one axis per unit, legend on top."""
    left, right, top, bottom = 64, 64 if len(chart.axis_units) > 1 else 16, 66, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FAMILY}" font-size="11">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(chart.title)}</text>',
    ]
    x = 0.0
    for n, s in enumerate(chart.series):  # the legend, in its own row above the plot
        parts.append(f'<rect x="{x:.1f}" y="26" width="12" height="10" fill="{PALETTE[n]}"/>')
        parts.append(f'<text x="{x + 16:.1f}" y="35">{escape(s.name)}</text>')
        x += 16 + 12 * len(s.name) + 18
    scales = []
    for axis, unit in enumerate(chart.axis_units):
        values = [v or 0 for s in chart.series if s.axis == axis for v in s.values]
        ticks = _ticks(max(values, default=0))
        scales.append(ticks[-1])
        anchor, tx = ("end", left - 6) if axis == 0 else ("start", width - right + 6)
        parts.append(
            f'<text x="{tx}" y="{top - 14}" text-anchor="{anchor}" fill="#555">{escape(unit)}</text>'
        )
        for tick in ticks:
            y = top + plot_h - plot_h * tick / ticks[-1]
            if axis == 0:
                parts.append(
                    f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                    'stroke="#ddd" stroke-width="0.6"/>'
                )
            parts.append(
                f'<text x="{tx}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#555">'
                f"{axis_text(tick)}</text>"
            )
    slot = plot_w / max(len(chart.months), 1)
    bar = min(18.0, slot * 0.8 / max(len(chart.series), 1))
    for m, label in enumerate(chart.months):
        cx = left + slot * (m + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>'
        )
        for n, s in enumerate(chart.series):
            value = s.values[m] or 0
            h = plot_h * value / scales[s.axis] if scales[s.axis] else 0
            bx = cx - bar * len(chart.series) / 2 + bar * n
            parts.append(
                f'<rect x="{bx:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[n]}"><title>{escape(s.name)} '
                f"{figure_text(s.values[m])}</title></rect>"
            )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#333" stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
