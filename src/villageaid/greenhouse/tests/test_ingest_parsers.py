"""The three inbound formats of INTERFACES 4.1, and what makes a payload invalid."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from villageaid.greenhouse.ingest import parse_message

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)


def test_platform_json_reads_every_measurement_with_its_offset() -> None:
    payload = b'{"ts": "2026-03-15T10:00:00+08:00", "air_temp": 12.3, "air_rh": 81.0, "co2": 650}'
    rows = parse_message("villageaid/beima/h1/telemetry", payload, NOW)
    assert {r.key: r.value for r in rows} == {"air_temp": 12.3, "air_rh": 81.0, "co2": 650.0}
    assert {(r.park, r.house, r.device) for r in rows} == {("beima", "h1", "")}
    assert rows[0].ts == dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)


def test_platform_json_without_ts_uses_the_receive_time() -> None:
    rows = parse_message("villageaid/beima/h1/telemetry", b'{"lux": 3200}', NOW)
    assert [(r.key, r.value, r.ts) for r in rows] == [("lux", 3200.0, NOW)]


def test_tasmota_time_without_offset_is_shanghai() -> None:
    payload = (
        b'{"Time": "2026-03-15T10:00:00", "AM2301": {"Temperature": 12.3, "Humidity": 81.0},'
        b' "TempUnit": "C"}'
    )
    rows = parse_message("tele/tunnel-1/SENSOR", payload, NOW)
    assert {r.key: r.value for r in rows} == {"AM2301.Temperature": 12.3, "AM2301.Humidity": 81.0}
    assert rows[0].device == "tunnel-1"
    assert rows[0].ts == dt.datetime(2026, 3, 15, 10, 0, tzinfo=SHANGHAI)
    assert rows[0].ts == dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("sensor", "fields", "expected"),
    [
        ("SHT3X", '{"Temperature": 14.0, "Humidity": 70.5}', {"SHT3X.Humidity": 70.5}),
        ("BME280", '{"Temperature": 9.5, "Pressure": 1012.4}', {"BME280.Pressure": 1012.4}),
        ("DS18B20", '{"Id": "0316", "Temperature": 11.2}', {"DS18B20.Temperature": 11.2}),
        ("DS18B20-2", '{"Id": "0317", "Temperature": 10.9}', {"DS18B20-2.Temperature": 10.9}),
    ],
)
def test_tasmota_sensor_kinds(sensor: str, fields: str, expected: dict[str, float]) -> None:
    payload = f'{{"Time": "2026-03-15T10:00:00", "{sensor}": {fields}}}'.encode()
    rows = {r.key: r.value for r in parse_message("tele/dev/SENSOR", payload, NOW)}
    assert expected.items() <= rows.items()
    assert "Id" not in "".join(rows)


def test_esphome_bare_number_at_receive_time() -> None:
    rows = parse_message("tunnel-2/sensor/soil_moisture/state", b"58.25", NOW)
    assert [(r.device, r.key, r.value, r.ts) for r in rows] == [
        ("tunnel-2", "soil_moisture", 58.25, NOW)
    ]


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("villageaid/beima/h1/telemetry", b"not json"),
        ("villageaid/beima/h1/telemetry", b"[1, 2]"),
        ("villageaid/beima/h1/telemetry", b'{"ts": "2026-03-15T10:00:00+08:00"}'),
        ("villageaid/beima/h1/telemetry", b'{"air_temp": "warm"}'),
        ("villageaid/beima/h1/telemetry", b'{"air_temp": true}'),
        ("villageaid/beima/h1/telemetry", b'{"air_temp": 12, "ts": "yesterday"}'),
        ("tele/dev/SENSOR", b'{"Time": "2026-03-15T10:00:00", "Wifi": {"RSSI": 60}}'),
        ("tele/dev/SENSOR", b'{"AM2301": {"Temperature": null}}'),
        ("dev/sensor/air_temp/state", b"nan"),
        ("dev/sensor/air_temp/state", b"\xff\xfe"),
        ("dev/sensor/air_temp/state", b""),
        ("some/other/topic", b"12"),
    ],
)
def test_invalid_payloads_raise_value_error(topic: str, payload: bytes) -> None:
    with pytest.raises(ValueError):
        parse_message(topic, payload, NOW)
