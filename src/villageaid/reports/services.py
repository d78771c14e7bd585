"""Computing and storing indicators; the job that keeps them fresh."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from villageaid.core import audit
from villageaid.core.jobs import job
from villageaid.core.models import Area
from villageaid.core.progress import Progress
from villageaid.reports.figures import FIGURES
from villageaid.reports.models import Indicator

LEVELS = ("village", "township", "county", "city")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def indicators_compute(
    *, area: Area, start: dt.date, end: dt.date, period: str = "range"
) -> dict[str, Any]:
    """Compute every figure for the area and range, store them, return them."""
    values = {f.key: f.compute(area.path, start, end) for f in FIGURES}
    with transaction.atomic():
        for key, value in values.items():
            Indicator.objects.update_or_create(
                area=area,
                start=start,
                end=end,
                key=key,
                defaults={"value": _decimal(value), "period": period},
            )
    return values


def periods_of(year: int) -> list[tuple[str, dt.date, dt.date]]:
    months = [
        ("month", dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]))
        for m in range(1, 13)
    ]
    return [("year", dt.date(year, 1, 1), dt.date(year, 12, 31)), *months]


def days_before(today: dt.date, days: int) -> list[tuple[str, dt.date, dt.date]]:
    return [("day", d, d) for d in (today - dt.timedelta(days=n) for n in range(days))]


def indicators_refresh(
    *,
    years: list[int],
    days: int = 0,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute the months and years of ``years`` and the last ``days`` days for every
    area from village to city, and every range that has been asked for before."""
    areas = list(Area.objects.filter(level__in=LEVELS))
    asked = list(
        Indicator.objects.filter(period=Indicator.Period.RANGE)
        .values_list("area_id", "start", "end")
        .distinct()
    )
    periods = [p for year in years for p in periods_of(year)]
    periods += days_before(today or dt.date.today(), days)
    work: list[tuple[Area, str, dt.date, dt.date]] = [
        (area, period, start, end) for area in areas for period, start, end in periods
    ]
    by_code = {a.code: a for a in Area.objects.filter(code__in={a for a, _s, _e in asked})}
    work += [(by_code[code], "range", start, end) for code, start, end in asked if code in by_code]
    for done, (area, period, start, end) in enumerate(work, start=1):
        indicators_compute(area=area, start=start, end=end, period=period)
        if progress:
            progress(done, len(work))
    audit.record(
        actor=None, action="reports.refresh", note=f"{len(work)} area-periods, years {years}"
    )
    return len(work)


@job("reports.refresh")
def refresh_job(progress: Progress, *, years: list[int], days: int = 7) -> dict[str, int]:
    return {"area_periods": indicators_refresh(years=years, days=days, progress=progress)}
