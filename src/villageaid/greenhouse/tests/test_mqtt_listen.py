"""End to end through the real broker: each inbound format lands as readings."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from villageaid.conftest import require_service
from villageaid.greenhouse.listener import Options, listen, subscriptions
from villageaid.greenhouse.models import Reading, Sensor
from villageaid.greenhouse.tests.factories import house_in, sensor_for


def _broker() -> tuple[str, int]:
    url = urlsplit(settings.MQTT_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 1883
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        require_service("Mosquitto", f"no MQTT broker at {settings.MQTT_URL}")
    return host, port


def _publish(host: str, port: int, messages: list[tuple[str, bytes]]) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(host, port)
    client.loop_start()
    for topic, payload in messages:
        client.publish(topic, payload, qos=1).wait_for_publish(timeout=5)
    client.disconnect()
    client.loop_stop()


def _run_listener(
    options: Options, ready: threading.Event, stop: threading.Event
) -> tuple[threading.Thread, Counter[str]]:
    result: Counter[str] = Counter()

    def run() -> None:
        try:
            result.update(listen(options, ready=ready, stop=stop))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "listener did not subscribe"
    return thread, result


def _wait_for(count: int, seconds: float = 10) -> None:
    until = time.monotonic() + seconds
    while Reading.objects.count() < count and time.monotonic() < until:
        time.sleep(0.2)


def test_shared_subscriptions_use_the_share_prefix() -> None:
    assert subscriptions("ingest")[0] == ("$share/ingest/villageaid/+/+/telemetry", 1)
    assert {qos for _topic, qos in subscriptions()} == {1}


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_every_format_lands_through_the_broker(areas: dict[str, Any]) -> None:
    host, port = _broker()
    tag = uuid.uuid4().hex[:8]
    house = house_in(areas["village"], park_code=f"p{tag}", house_code="h1")
    air = sensor_for(house, "air_temp")
    rh = sensor_for(house, "air_rh", device=f"tas{tag}", source_key="AM2301.Humidity")
    soil = sensor_for(house, "soil_moisture", device=f"esp{tag}", source_key="soil_moisture")
    platform = b'{"ts": "2026-03-15T10:00:00+08:00", "air_temp": 12.5}'
    tasmota = b'{"Time": "2026-03-15T10:00:00", "AM2301": {"Temperature": 12.3, "Humidity": 81}}'
    ready, stop = threading.Event(), threading.Event()
    options = Options(
        url=settings.MQTT_URL, client_id=f"test-{tag}", session_expiry=0, max_seconds=30
    )
    thread, counts = _run_listener(options, ready, stop)
    _publish(
        host,
        port,
        [
            (f"villageaid/p{tag}/h1/telemetry", b"{not json"),
            (f"villageaid/p{tag}/h1/telemetry", platform),
            (f"villageaid/p{tag}/h1/telemetry", platform),  # a duplicate delivery
            (f"tele/tas{tag}/SENSOR", tasmota),
            (f"esp{tag}/sensor/soil_moisture/state", b"57.5"),
        ],
    )
    _wait_for(3)
    stop.set()
    thread.join(10)
    values = {
        s.key: s.current_value for s in Sensor.objects.filter(pk__in=[air.pk, rh.pk, soil.pk])
    }
    assert values == {"air_temp": 12.5, "air_rh": 81.0, "soil_moisture": 57.5}
    assert Reading.objects.filter(sensor__house=house).count() == 3
    assert counts["invalid"] >= 1


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_command_runs_bounded_and_reports_counts(capsys: pytest.CaptureFixture[str]) -> None:
    _broker()
    call_command(
        "mqtt_listen", max_seconds=1, client_id=f"test-{uuid.uuid4().hex[:8]}", session_expiry=0
    )
    assert capsys.readouterr().out.strip().startswith("{")
