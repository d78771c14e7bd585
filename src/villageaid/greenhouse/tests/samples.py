"""Objects for the URL permission test."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from villageaid.greenhouse.models import Actuator, Alert
from villageaid.greenhouse.tests.factories import house_in, sensor_for

_SEQ = itertools.count(1)


def _houses(areas: dict[str, Any]) -> dict[str, Any]:
    n = next(_SEQ)
    own = house_in(areas["village"], park_code="own-park", house_code=f"h{n}")
    sensor_for(own, "air_temp", unit="°C")
    Actuator.objects.create(house=own, kind="vent")
    other = house_in(areas["neighbour"], park_code="other-park", house_code=f"h{n}")
    return {
        "own": {"house_id": own.pk},
        "other": {"house_id": other.pk},
        "own_url": f"/api/v1/greenhouse/houses/{own.pk}/latest",
        "other_url": f"/api/v1/greenhouse/houses/{other.pk}/latest",
    }


def _house_pages(areas: dict[str, Any]) -> dict[str, Any]:
    made = _houses(areas)
    return {"own": {"pk": made["own"]["house_id"]}, "other": {"pk": made["other"]["house_id"]}}


def _alert_in(area: Any, park_code: str) -> Alert:
    house = house_in(area, park_code=park_code, house_code=f"a{next(_SEQ)}")
    now = timezone.now()
    return Alert.objects.create(
        house=house,
        kind=Alert.Kind.STALE,
        message="test",
        opened_at=now,
        last_seen_at=now,
        area_path=house.park.area_path,
    )


def _alerts(areas: dict[str, Any]) -> dict[str, Any]:
    own = _alert_in(areas["village"], "own-alerts")
    other = _alert_in(areas["neighbour"], "other-alerts")
    return {"own": {"pk": own.pk}, "other": {"pk": other.pk}}


SAMPLES = {
    "api:house_latest": _houses,
    "greenhouse-house": _house_pages,
    "greenhouse-override": _house_pages,
    "greenhouse-alert": _alerts,
}
