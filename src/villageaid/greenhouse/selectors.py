"""Reads of the greenhouse app, always scoped through core.access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from villageaid.core import access, roles
from villageaid.greenhouse.models import House, Sensor

MODULE = roles.Module.GREENHOUSE


def stale_after() -> dt.timedelta:
    """No reading for this long makes a sensor stale (INTERFACES 4.2, default 10 minutes)."""
    return dt.timedelta(minutes=getattr(settings, "GREENHOUSE_STALE_MINUTES", 10))


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
        }
        for sensor in house.sensors.order_by("key", "position")
    ]
