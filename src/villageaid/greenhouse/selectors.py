"""Reads of the greenhouse app, always scoped through core.access."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Func, IntegerField, QuerySet, Sum
from django.utils import timezone

from villageaid.core import access, roles
from villageaid.greenhouse import stages
from villageaid.greenhouse.models import (
    Advice,
    Alert,
    Command,
    Harvest,
    House,
    Reading,
    ReadingRollup,
    Sensor,
    StageProfile,
)
from villageaid.greenhouse.stages import StageBand

MODULE = roles.Module.GREENHOUSE


def stale_after() -> dt.timedelta:
    """No reading for this long makes a sensor stale (INTERFACES 4.2, default 10 minutes)."""
    return dt.timedelta(minutes=getattr(settings, "GREENHOUSE_STALE_MINUTES", 10))


class EpochBucket(Func):
    """``floor(epoch seconds of the expression / width)``, in SQL on PostgreSQL and SQLite."""

    output_field = IntegerField()

    def __init__(self, expression: Any, *, width: int) -> None:
        super().__init__(expression)
        self.width = int(width)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR(EXTRACT(EPOCH FROM {sql}) / {self.width})::bigint", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST(strftime('%%s', {sql}) AS INTEGER) / {self.width})", params


def house_get(user: Any, pk: int, action: str = roles.VIEW) -> House:
    return access.get_for(
        House.objects.select_related("park"),
        user,
        MODULE,
        action,
        area_path="park__area_path",
        pk=pk,
    )


def sensor_is_stale(sensor: Sensor, now: dt.datetime) -> bool:
    return sensor.current_at is None or now - sensor.current_at > stale_after()


def house_latest(house: House, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The latest reading of each of the house's sensors, with its time and stale flag."""
    now = now or timezone.now()
    return [
        {
            "id": sensor.pk,
            "key": sensor.key,
            "unit": sensor.unit,
            "position": sensor.position,
            "value": sensor.current_value,
            "ts": sensor.current_at,
            "stale": sensor_is_stale(sensor, now),
            "future_refused": sensor.future_refused,
        }
        for sensor in house.sensors.order_by("key", "position")
    ]


def house_band(house: House) -> StageBand | None:
    """The band of the house's current stage (the park's profile, else :mod:`stages`);
    None when the house has no crop cycle."""
    cycle = house.cycles.order_by("-started", "-pk").first()
    if cycle is None:
        return None
    profile = StageProfile.objects.filter(park_id=house.park_id, stage=cycle.stage).first()
    if profile is None:
        return stages.stage_band(cycle.stage)
    return StageBand(
        stage=profile.stage,
        label_zh=profile.label,
        temp_min_c=profile.temp_min_c,
        temp_max_c=profile.temp_max_c,
        rh_min_pct=profile.rh_min_pct,
        rh_max_pct=profile.rh_max_pct,
        source=f"park {house.park_id} profile",
    )


def house_sensor(house: House, key: str) -> Sensor | None:
    """The house's main sensor of a measurement (the unpositioned or first one)."""
    return house.sensors.filter(key=key).order_by("-position", "-pk").last()


GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"


def band_status(temp: float | None, rh: float | None, band: StageBand | None, stale: bool) -> str:
    """green inside the band, amber within 1 K / 3 points of its edge, red outside;
    grey without a band or without fresh data."""
    if band is None or temp is None or rh is None or stale:
        return GREY
    if not (
        band.temp_min_c <= temp <= band.temp_max_c and band.rh_min_pct <= rh <= band.rh_max_pct
    ):
        return RED
    near = (
        temp < band.temp_min_c + 1.0
        or temp > band.temp_max_c - 1.0
        or rh < band.rh_min_pct + 3.0
        or rh > band.rh_max_pct - 3.0
    )
    return AMBER if near else GREEN


def houses_visible(user: Any) -> QuerySet[House]:
    return access.scope(
        House.objects.select_related("park"), user, MODULE, area_path="park__area_path"
    )


def house_tile(house: House, now: dt.datetime) -> dict[str, Any]:
    band = house_band(house)
    temp_s, rh_s = house_sensor(house, "air_temp"), house_sensor(house, "air_rh")
    temp = temp_s.current_value if temp_s else None
    rh = rh_s.current_value if rh_s else None
    stale = any(s is None or sensor_is_stale(s, now) for s in (temp_s, rh_s))
    return {
        "house": house,
        "band": band,
        "temp": temp,
        "rh": rh,
        "stale": stale,
        "status": band_status(temp, rh, band, stale),
        "open_alerts": house.alerts.filter(closed_at__isnull=True).count(),
    }


def park_tiles(user: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    return [house_tile(h, now) for h in houses_visible(user).order_by("park__code", "code")]


def alerts_visible(user: Any, *, open_only: bool = False) -> QuerySet[Alert]:
    rows = access.scope(
        Alert.objects.select_related("house__park", "sensor"), user, MODULE, area_path="area_path"
    )
    return rows.filter(closed_at__isnull=True) if open_only else rows


def alert_get(user: Any, pk: int, action: str = roles.VIEW) -> Alert:
    return access.get_for(
        Alert.objects.select_related("house__park"),
        user,
        MODULE,
        action,
        area_path="area_path",
        pk=pk,
    )


def harvests_visible(user: Any) -> QuerySet[Harvest]:
    return access.scope(
        Harvest.objects.select_related("house__park"), user, MODULE, area_path="area_path"
    )


def harvest_total_grams(user: Any, start: dt.date | None = None, end: dt.date | None = None) -> int:
    rows = harvests_visible(user)
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    return int(rows.aggregate(total=Sum("grams"))["total"] or 0)


RAW_CHART_SPAN = dt.timedelta(hours=6)  # longer ranges are drawn from the rollups


def _bucket_start(bucket: int, width: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=bucket * width)


def sensor_history(
    sensor: Sensor, start: dt.datetime, end: dt.datetime, buckets: int = 200
) -> list[tuple[dt.datetime, float]]:
    """Time-bucket averages computed in SQL: at most ``buckets`` points between start and end.

    Up to :data:`RAW_CHART_SPAN` from the raw readings; longer ranges from the 5-minute or
    hourly rollups (the bucket width rounded up to a multiple of theirs) plus the raw
    readings not rolled up yet, so the means are exact whenever the rollup job last ran
    and cover days whose raw readings retention has deleted."""
    span = max((end - start).total_seconds(), 1.0)
    width = max(60, math.ceil(span / buckets))
    if end - start <= RAW_CHART_SPAN:
        rows = (
            Reading.objects.filter(sensor=sensor, ts__gte=start, ts__lte=end)
            .annotate(bucket=EpochBucket("ts", width=width))
            .values("bucket")
            .annotate(avg=Avg("value"))
            .order_by("bucket")
        )
        return [(_bucket_start(r["bucket"], width), float(r["avg"])) for r in rows]
    from villageaid.greenhouse.rollups import rolled_up_to

    source = ReadingRollup.HOUR if width >= ReadingRollup.HOUR else ReadingRollup.FIVE_MINUTES
    width = math.ceil(width / source) * source
    first = _bucket_start(int(start.timestamp()) // source, source)
    sums: dict[int, list[float]] = {}
    rolled = (
        ReadingRollup.objects.filter(sensor=sensor, width=source, start__gte=first, start__lte=end)
        .annotate(bucket=EpochBucket("start", width=width))
        .values("bucket")
        .annotate(n=Sum("count"), total=Sum("total"))
    )
    fresh = (
        Reading.objects.filter(sensor=sensor, pk__gt=rolled_up_to(), ts__gte=first, ts__lte=end)
        .annotate(bucket=EpochBucket("ts", width=width))
        .values("bucket")
        .annotate(n=Count("id"), total=Sum("value"))
    )
    for row in [*rolled, *fresh]:
        acc = sums.setdefault(row["bucket"], [0.0, 0.0])
        acc[0] += row["n"]
        acc[1] += row["total"]
    return [
        (_bucket_start(bucket, width), total / n)
        for bucket, (n, total) in sorted(sums.items())
        if n
    ]


def house_commands(house: House, limit: int = 30) -> QuerySet[Command]:
    return house.commands.order_by("-ts", "-pk")[:limit]


def house_advice(house: House, limit: int = 5) -> QuerySet[Advice]:
    return house.advice.order_by("-ts", "-pk")[:limit]


CLIMATE_DAYS_BEFORE_HARVEST = 14  # the window a lot's trace shows: the last two weeks of growth


def harvest_trace(harvest: Harvest) -> dict[str, Any]:
    """Where a harvest grew, for the lot's trace: its house and park, the crop cycle
    current on the day, and the air temperature and humidity of the two weeks before
    (min, mean, max of the chart's bucket means; ``None`` when no sensor read then)."""
    house = harvest.house
    end = timezone.make_aware(dt.datetime.combine(harvest.date, dt.time.max))
    start = end - dt.timedelta(days=CLIMATE_DAYS_BEFORE_HARVEST)
    cycle = house.cycles.filter(started__lte=end).order_by("-started").first()
    climate: dict[str, dict[str, float] | None] = {}
    for key in ("air_temp", "air_rh"):
        sensor = house_sensor(house, key)
        values = [v for _t, v in sensor_history(sensor, start, end, 56)] if sensor else []
        climate[key] = (
            {
                "min": round(min(values), 1),
                "mean": round(sum(values) / len(values), 1),
                "max": round(max(values), 1),
            }
            if values
            else None
        )
    band = stages.STAGES.get(cycle.stage) if cycle else None
    stage_label = band.label_zh if band else (cycle.stage if cycle else "")
    return {
        "harvest": harvest,
        "house": house,
        "park": house.park,
        "cycle": cycle,
        "stage_label": stage_label,
        **climate,
    }
