"""GET /api/v1/greenhouse/houses/{id}/latest (INTERFACES 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.greenhouse.tests.factories import house_in, sensor_for


@pytest.mark.django_db
def test_latest_per_sensor_with_stale_flag(areas: dict[str, Any], cadre: Any) -> None:
    house = house_in(areas["village"])
    now = timezone.now()
    sensor_for(house, "air_temp", unit="°C", current_value=12.5, current_at=now)
    old = now - dt.timedelta(minutes=11)
    sensor_for(house, "air_rh", unit="%", current_value=80.0, current_at=old)
    sensor_for(house, "co2", unit="ppm")
    response = client_for(cadre).get(f"/api/v1/greenhouse/houses/{house.pk}/latest")
    assert response.status_code == 200
    sensors = {s["key"]: s for s in response.json()["sensors"]}
    assert (sensors["air_temp"]["value"], sensors["air_temp"]["stale"]) == (12.5, False)
    assert (sensors["air_rh"]["value"], sensors["air_rh"]["stale"]) == (80.0, True)
    assert (sensors["co2"]["value"], sensors["co2"]["ts"], sensors["co2"]["stale"]) == (
        None,
        None,
        True,
    )


@pytest.mark.django_db
def test_house_of_another_village_is_not_found(areas: dict[str, Any], cadre: Any) -> None:
    house = house_in(areas["neighbour"])
    response = client_for(cadre).get(f"/api/v1/greenhouse/houses/{house.pk}/latest")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
