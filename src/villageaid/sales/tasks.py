"""Background job kinds of sales."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.core.jobs import job
from villageaid.core.models import Area
from villageaid.core.progress import Progress
from villageaid.sales import services


@job("sales.expire_reservations")
def expire_reservations(progress: Progress) -> dict[str, Any]:
    """Cancel reserved orders past ``reserved_until`` and put their grams back."""
    progress.update(0, 1)
    count = services.orders_expire()
    progress.update(1, 1)
    return {"expired": count}


@job("sales.standing_orders")
def standing_orders(
    progress: Progress, *, village: str, date: str, route: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Place a delivery day's hotel standing orders and, with ``route``, plan the day's run
    (``depot`` [lat, lon], ``vehicles``, ``capacity_grams``, ``start`` HH:MM)."""
    progress.update(0, 2 if route else 1)
    area = Area.objects.get(code=village)
    day = dt.date.fromisoformat(date)
    result = services.standing_orders_place(village=area, date=day, actor=None).summary()
    progress.update(1)
    if route:
        run = services.delivery_run_plan(
            village=area,
            date=day,
            depot=(float(route["depot"][0]), float(route["depot"][1])),
            vehicles=int(route.get("vehicles", 1)),
            capacity_grams=int(route["capacity_grams"]),
            start=dt.time.fromisoformat(route.get("start", "07:00")),
            actor=None,
        )
        result["run"] = run.pk
        progress.update(2)
    return result
