"""Reading the scorecard: stored indicators, computed once when first asked for."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from villageaid.core.models import Area
from villageaid.reports.figures import FIGURES, GROUPS
from villageaid.reports.formatting import figure_text
from villageaid.reports.models import Indicator
from villageaid.reports.services import indicators_compute


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def scorecard(*, area: Area, start: dt.date, end: dt.date) -> dict[str, Any]:
    stored = dict(
        Indicator.objects.filter(area=area, start=start, end=end).values_list("key", "value")
    )
    if set(stored) != {f.key for f in FIGURES}:
        indicators_compute(area=area, start=start, end=end)
        stored = dict(
            Indicator.objects.filter(area=area, start=start, end=end).values_list("key", "value")
        )
    computed = (
        Indicator.objects.filter(area=area, start=start, end=end).order_by("computed_at").first()
    )
    return {
        "area": area.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "figures": {key: _plain(value) for key, value in stored.items()},
        "computed_at": computed.computed_at.isoformat() if computed else None,
    }


def grouped(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures grouped as in the seed article, with their labels, units and links."""
    groups = []
    for code, title in GROUPS.items():
        rows = [
            {
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "value": figures.get(f.key),
                "text": figure_text(figures.get(f.key)),
                "link": f.link,
            }
            for f in FIGURES
            if f.group == code
        ]
        groups.append({"code": code, "title": title, "rows": rows})
    return groups


def monthly_series_ranges(*, area: Area, year: int, keys: list[str]) -> dict[str, list[Any]]:
    """Per-month values of ``keys`` from the stored indicators of whole calendar months."""
    rows = Indicator.objects.filter(area=area, start__year=year, start__day=1, key__in=keys)
    series: dict[str, list[Any]] = {key: [None] * 12 for key in keys}
    for key, start, end, value in rows.values_list("key", "start", "end", "value"):
        if end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
            series[key][start.month - 1] = _plain(value)
    return series
