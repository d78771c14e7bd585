"""Issue 18, finding 7: a reading stamped ahead of the server clock (a device with a
wrong clock, or ts 9999) must not freeze the sensor's current value; such readings are
refused and counted where the technician sees them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client, override_settings

from villageaid.accounts.models import ApiToken
from villageaid.core.roles import Role
from villageaid.greenhouse.ingest import Message, readings_ingest
from villageaid.greenhouse.models import Reading, Sensor
from villageaid.greenhouse.tests.factories import house_in, sensor_for

NOW = dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)
TOPIC = "villageaid/beima/h1/telemetry"


def platform(ts: str, **values: float) -> Message:
    return Message(TOPIC, json.dumps({"ts": ts, **values}).encode(), NOW)


@pytest.fixture
def air_temp(areas: dict[str, Any]) -> Sensor:
    return sensor_for(house_in(areas["village"]), "air_temp", unit="°C")


@pytest.mark.django_db
def test_a_reading_from_year_9999_is_refused_and_counted(air_temp: Sensor) -> None:
    counts = readings_ingest(messages=[platform("9999-12-31T23:59:59+08:00", air_temp=50.0)])
    assert counts["future"] == 1 and counts["readings"] == 0
    later = readings_ingest(messages=[platform("2026-03-15T10:01:00+08:00", air_temp=12.5)])
    assert later["readings"] == 1
    air_temp.refresh_from_db()
    assert air_temp.current_value == 12.5  # not frozen at the 9999 reading
    assert air_temp.future_refused == 1
    assert not Reading.objects.filter(ts__year=9999).exists()


@pytest.mark.django_db
@override_settings(GREENHOUSE_MAX_FUTURE_SECONDS=300)
def test_the_tolerance_is_a_setting(air_temp: Sensor) -> None:
    within = platform("2026-03-15T10:04:00+08:00", air_temp=11.0)  # 4 minutes ahead
    beyond = platform("2026-03-15T10:06:00+08:00", air_temp=30.0)  # 6 minutes ahead
    counts = readings_ingest(messages=[within, beyond])
    assert counts["readings"] == 1 and counts["future"] == 1
    air_temp.refresh_from_db()
    assert air_temp.current_value == 11.0 and air_temp.future_refused == 1


@pytest.mark.django_db
def test_out_of_range_values_are_invalid(air_temp: Sensor) -> None:
    counts = readings_ingest(
        messages=[
            platform("2026-03-15T10:00:00+08:00", air_temp=1e300),
            platform("2026-03-15T10:00:00+08:00", air_rh=150.0),
        ]
    )
    assert counts["invalid"] == 2 and counts["readings"] == 0


@pytest.mark.django_db
def test_the_http_ingest_answers_with_the_future_count(areas: Any, make_user: Any) -> None:
    house = house_in(areas["village"])
    sensor = sensor_for(house, "air_temp", unit="°C")
    _, raw = ApiToken.issue(user=make_user(Role.TECH))
    response = Client().post(
        f"/api/v1/greenhouse/houses/{house.pk}/telemetry",
        json.dumps({"ts": "9999-01-01T00:00:00+08:00", "air_temp": 20.0}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["future"] == 1 and response.json()["readings"] == 0
    sensor.refresh_from_db()
    assert sensor.current_at is None and sensor.future_refused == 1
