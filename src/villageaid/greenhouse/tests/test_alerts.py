"""Alert rules, the evaluator's open/refresh/close cycle, and the group-robot webhook."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from villageaid.greenhouse import alerts, services
from villageaid.greenhouse.models import Alert, Command, House, Reading, Sensor
from villageaid.greenhouse.tests.factories import house_in, sensor_for

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


def _fruiting_house(areas: dict[str, Any]) -> tuple[House, Sensor, Sensor]:
    house = house_in(areas["village"])
    services.crop_cycle_start(house=house, stage="fruiting", started=NOW - dt.timedelta(days=5))
    temp = sensor_for(house, "air_temp", unit="°C")
    rh = sensor_for(house, "air_rh", unit="%")
    return house, temp, rh


def _series(sensor: Sensor, values: list[float], step_min: int = 1) -> None:
    """Readings ending at NOW, one per ``step_min`` minutes; the last becomes current."""
    start = NOW - dt.timedelta(minutes=step_min * (len(values) - 1))
    rows = [
        Reading(sensor=sensor, ts=start + dt.timedelta(minutes=step_min * i), value=v)
        for i, v in enumerate(values)
    ]
    Reading.objects.bulk_create(rows)
    sensor.current_value, sensor.current_at = values[-1], NOW
    sensor.save()


def _kinds(house: House) -> set[str]:
    return set(house.alerts.filter(closed_at__isnull=True).values_list("kind", flat=True))


def test_out_of_band_only_after_n_minutes_then_closes(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    house.park.out_of_band_minutes = 15
    house.park.save()
    _series(rh, [78.0] * 30)
    _series(temp, [15.0] * 20 + [19.0] * 10)  # 9 minutes above 18 °C
    assert alerts.evaluate(now=NOW) == []
    Reading.objects.filter(sensor=temp).delete()
    _series(temp, [15.0] * 10 + [19.0] * 20)  # 19 minutes above
    opened = alerts.evaluate(now=NOW)
    assert [a.kind for a in opened] == [Alert.Kind.OUT_OF_BAND]
    assert "19分钟" in opened[0].message
    assert alerts.evaluate(now=NOW) == []  # refreshed, not duplicated
    assert house.alerts.count() == 1
    temp.current_value = 15.0
    temp.save()
    alerts.evaluate(now=NOW)
    assert house.alerts.get().closed_at == NOW


def test_rh_drop_of_more_than_ten_points_in_ten_minutes(areas: dict[str, Any]) -> None:
    _house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0] * 12)
    _series(rh, [84, 84, 83, 81, 79, 77, 76, 75, 74, 73, 73])  # 11 points in 10 minutes
    assert Alert.Kind.RH_DROP in {a.kind for a in alerts.evaluate(now=NOW)}


def test_small_rh_fall_is_no_alert(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0] * 12)
    _series(rh, [80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 71])
    alerts.evaluate(now=NOW)
    assert _kinds(house) == set()


@pytest.mark.parametrize(("value", "kind"), [(1.0, "frost"), (23.5, "heat")])
def test_frost_and_heat_limits(areas: dict[str, Any], value: float, kind: str) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(rh, [78.0])
    _series(temp, [value])
    alerts.evaluate(now=NOW)
    assert kind in _kinds(house)


@override_settings(GREENHOUSE_STALE_MINUTES=5)
def test_stale_sensor_uses_the_setting(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0])
    _series(rh, [78.0])
    rh.current_at = NOW - dt.timedelta(minutes=6)
    rh.save()
    alerts.evaluate(now=NOW)
    alert = house.alerts.get(kind="stale")
    assert alert.sensor == rh
    assert "5分钟" in alert.message


def test_implausible_value(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0])
    _series(rh, [78.0])
    co2 = sensor_for(house, "co2", current_value=-5.0, current_at=NOW)
    alerts.evaluate(now=NOW)
    assert house.alerts.get(kind="implausible").sensor == co2


def test_misting_without_effect(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0] * 20)
    _series(rh, [70.0] * 20)
    Command.objects.create(
        house=house, actuator="mist", value=30, unit="s/min", ts=NOW - dt.timedelta(minutes=12)
    )
    alerts.evaluate(now=NOW)
    assert "no_effect" in _kinds(house)


def test_misting_that_works_is_no_alert(areas: dict[str, Any]) -> None:
    house, temp, rh = _fruiting_house(areas)
    _series(temp, [12.0] * 20)
    _series(rh, [70.0] * 8 + [74.0] * 12)
    Command.objects.create(
        house=house, actuator="mist", value=30, unit="s/min", ts=NOW - dt.timedelta(minutes=12)
    )
    alerts.evaluate(now=NOW)
    assert "no_effect" not in _kinds(house)


class _Robot(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Robot.received.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args: Any) -> None:
        pass


def test_new_alerts_go_to_the_configured_group_robot(areas: dict[str, Any]) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Robot.received.clear()
    try:
        house, temp, rh = _fruiting_house(areas)
        house.park.webhook_url = f"http://127.0.0.1:{server.server_port}/robot/send?key=t"
        house.park.save()
        _series(rh, [78.0])
        _series(temp, [0.5])
        opened = alerts.evaluate(now=NOW)
        alerts.evaluate(now=NOW)  # still open: not sent twice
    finally:
        server.shutdown()
        server.server_close()
    assert len(opened) == 1
    assert len(_Robot.received) == 1
    assert _Robot.received[0]["msgtype"] == "text"
    assert "冻害" in _Robot.received[0]["text"]["content"]
    assert Alert.objects.get().notified is True


def test_no_robot_url_sends_nothing(areas: dict[str, Any]) -> None:
    _house, temp, rh = _fruiting_house(areas)
    _series(rh, [78.0])
    _series(temp, [0.5])
    (alert,) = alerts.evaluate(now=NOW)
    assert alerts.notify_webhook(alert) is False
    assert Alert.objects.get().notified is False
    assert timezone.is_aware(alert.opened_at)
