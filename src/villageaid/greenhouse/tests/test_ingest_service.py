"""readings_ingest: sensor resolution, duplicates, and the current value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

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
def test_duplicate_delivery_stores_one_reading(air_temp: Sensor) -> None:
    message = platform("2026-03-15T10:00:00+08:00", air_temp=12.3)
    readings_ingest(messages=[message, message])
    readings_ingest(messages=[message])
    assert list(Reading.objects.values_list("value", flat=True)) == [12.3]


@pytest.mark.django_db
def test_older_reading_is_stored_but_does_not_move_current(air_temp: Sensor) -> None:
    readings_ingest(messages=[platform("2026-03-15T10:05:00+08:00", air_temp=14.0)])
    readings_ingest(messages=[platform("2026-03-15T10:00:00+08:00", air_temp=12.0)])
    air_temp.refresh_from_db()
    assert air_temp.current_value == 14.0
    assert air_temp.current_at == dt.datetime(2026, 3, 15, 2, 5, tzinfo=dt.UTC)
    assert Reading.objects.filter(sensor=air_temp).count() == 2


@pytest.mark.django_db
def test_newest_in_a_batch_becomes_current(air_temp: Sensor) -> None:
    readings_ingest(
        messages=[
            platform("2026-03-15T10:05:00+08:00", air_temp=14.0),
            platform("2026-03-15T10:01:00+08:00", air_temp=12.0),
        ]
    )
    air_temp.refresh_from_db()
    assert air_temp.current_value == 14.0


@pytest.mark.django_db
def test_devices_map_to_their_sensors(areas: dict[str, Any]) -> None:
    house = house_in(areas["village"])
    rh = sensor_for(house, "air_rh", device="tunnel-1", source_key="AM2301.Humidity")
    soil = sensor_for(house, "soil_moisture", device="tunnel-2", source_key="soil_moisture")
    tasmota = b'{"Time": "2026-03-15T10:00:00", "AM2301": {"Temperature": 12.3, "Humidity": 81}}'
    counts = readings_ingest(
        messages=[
            Message("tele/tunnel-1/SENSOR", tasmota, NOW),
            Message("tunnel-2/sensor/soil_moisture/state", b"58.5", NOW),
        ]
    )
    assert counts["readings"] == 2
    assert counts["unmapped"] == 1  # AM2301.Temperature has no sensor
    rh.refresh_from_db()
    soil.refresh_from_db()
    assert (rh.current_value, soil.current_value) == (81.0, 58.5)


@pytest.mark.django_db
def test_invalid_payload_is_counted_logged_and_stores_nothing(
    air_temp: Sensor, caplog: pytest.LogCaptureFixture
) -> None:
    counts = readings_ingest(
        messages=[Message(TOPIC, b"{broken", NOW), platform("2026-03-15T10:00:00", air_temp=9.0)]
    )
    assert (counts["invalid"], counts["readings"]) == (1, 1)
    assert TOPIC in caplog.text
    assert Reading.objects.count() == 1


@pytest.mark.django_db
def test_sensor_cache_reloads_for_a_new_sensor_but_not_per_batch(
    areas: dict[str, Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from villageaid.greenhouse.ingest import SensorCache

    house = house_in(areas["village"])
    temp = sensor_for(house, "air_temp")
    cache = SensorCache(ttl=60, miss_reload=0)
    message = platform("2026-03-15T10:00:00+08:00", air_temp=12.0, air_rh=80.0)
    counts = readings_ingest(messages=[message], sensors=cache)
    assert (counts["readings"], counts["unmapped"]) == (1, 1)
    rh = sensor_for(house, "air_rh")  # registered while the listener runs
    counts = readings_ingest(
        messages=[platform("2026-03-15T10:01:00+08:00", air_temp=12.5, air_rh=81.0)],
        sensors=cache,
    )
    assert (counts["readings"], counts["unmapped"]) == (2, 0)
    with CaptureQueriesContext(connection) as queries:
        readings_ingest(
            messages=[platform("2026-03-15T10:02:00+08:00", air_temp=13.0, air_rh=82.0)],
            sensors=cache,
        )
    assert not [q for q in queries if q["sql"].startswith("SELECT")]  # no sensor lookup
    assert Reading.objects.filter(sensor=rh).count() == 2
    assert Reading.objects.filter(sensor=temp).count() == 3


def test_listener_announces_its_receive_maximum() -> None:
    from unittest import mock

    from villageaid.greenhouse.listener import Options, _connect

    client = mock.Mock()
    _connect(client, Options(url="mqtt://broker:1883", client_id="x", receive_maximum=1500))
    properties = client.connect.call_args.kwargs["properties"]
    assert properties.ReceiveMaximum == 1500
    assert client.connect.call_args.kwargs["clean_start"] is False
