"""Objects for the URL permission test."""

from __future__ import annotations

from typing import Any

from villageaid.greenhouse.tests.factories import house_in, sensor_for


def _houses(areas: dict[str, Any]) -> dict[str, Any]:
    own = house_in(areas["village"], park_code="own-park")
    sensor_for(own, "air_temp", unit="°C")
    other = house_in(areas["neighbour"], park_code="other-park")
    return {
        "own": {"house_id": own.pk},
        "other": {"house_id": other.pk},
        "own_url": f"/api/v1/greenhouse/houses/{own.pk}/latest",
        "other_url": f"/api/v1/greenhouse/houses/{other.pk}/latest",
    }


SAMPLES = {"api:house_latest": _houses}
