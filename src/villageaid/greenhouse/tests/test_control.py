"""The control loop: commands with reasons stored and published through Mosquitto,
Tasmota relay messages, advice for hand-turned houses, overrides and stale data."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from villageaid.conftest import require_service
from villageaid.greenhouse import services
from villageaid.greenhouse.control import ControlLoop
from villageaid.greenhouse.models import Actuator, Advice, Command, House
from villageaid.greenhouse.tests.factories import house_in, sensor_for


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def publish(self, topic: str, payload: str, qos: int = 1) -> None:
        self.sent.append((topic, payload))


def _hot_house(areas: dict[str, Any], *, motors: bool, code: str = "h1") -> House:
    house = house_in(areas["village"], house_code=code)
    house.has_motors = motors
    house.save()
    services.crop_cycle_start(house=house, stage="fruiting")
    now = timezone.now()
    # above the fruiting band's 18 °C, cooler outside: whatever the hour, the plan opens the sides
    sensor_for(house, "air_temp", current_value=21.0, current_at=now)
    sensor_for(house, "air_rh", current_value=70.0, current_at=now)
    sensor_for(house, "outdoor_temp", current_value=10.0, current_at=now)
    sensor_for(house, "outdoor_rh", current_value=60.0, current_at=now)
    Actuator.objects.create(house=house, kind="vent", has_motor=motors, device="tasx", relay=2)
    Actuator.objects.create(house=house, kind="mist", has_motor=motors)
    return house


@pytest.mark.django_db
def test_warm_dry_house_gets_vent_and_mist_commands_published(areas: dict[str, Any]) -> None:
    house = _hot_house(areas, motors=True)
    recorder = _Recorder()
    counts = ControlLoop(publisher=recorder).run_once()
    commands = {c.actuator: c for c in Command.objects.filter(house=house)}
    assert "vent" in commands
    assert all(c.reason and c.sent for c in commands.values())
    topics = dict(recorder.sent)
    payload = json.loads(topics[f"villageaid/{house.park.code}/h1/cmd/vent"])
    assert payload["action"] == "set" and payload["unit"] == "%" and payload["value"] > 0
    assert topics["cmnd/tasx/POWER2"] == "ON"
    assert Actuator.objects.get(house=house, kind="vent").position == payload["value"]
    assert counts["published"] == len(recorder.sent)
    assert counts["controller_ms"] >= 0 and counts["houses"] == 1
    assert not Advice.objects.exists()


@pytest.mark.django_db
def test_hand_turned_house_gets_advice_and_nothing_published(areas: dict[str, Any]) -> None:
    house = _hot_house(areas, motors=False)
    recorder = _Recorder()
    ControlLoop(publisher=recorder).run_once()
    assert recorder.sent == []
    texts = list(Advice.objects.filter(house=house).values_list("text", flat=True))
    assert any("卷膜" in t for t in texts), texts


@pytest.mark.django_db
def test_override_is_respected(areas: dict[str, Any], tech: Any) -> None:
    house = _hot_house(areas, motors=True)
    mist = Actuator.objects.get(house=house, kind="mist")
    services.actuator_override_set(actuator=mist, value=0, minutes=30, actor=tech)
    ControlLoop(publisher=_Recorder()).run_once()
    mist_commands = Command.objects.filter(house=house, actuator="mist")
    assert [c.reason for c in mist_commands] == ["人工接管30分钟"]


@pytest.mark.django_db
def test_stale_data_gives_safe_state_and_an_alert(areas: dict[str, Any]) -> None:
    house = _hot_house(areas, motors=True)
    old = timezone.now() - dt.timedelta(minutes=30)
    house.sensors.filter(key__startswith="air").update(current_at=old)
    Actuator.objects.filter(house=house, kind="mist").update(position=30)
    counts = ControlLoop(publisher=_Recorder()).run_once()
    assert counts["safe_mode"] == 1
    mist = Command.objects.get(house=house, actuator="mist")
    assert mist.value == 0 and "安全状态" in mist.reason
    assert house.alerts.filter(kind="stale", closed_at__isnull=True).count() == 2


def _broker() -> tuple[str, int]:
    url = urlsplit(settings.MQTT_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 1883
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        require_service("Mosquitto", f"no MQTT broker at {settings.MQTT_URL}")
    return host, port


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_control_command_publishes_through_mosquitto(areas: dict[str, Any]) -> None:
    host, port = _broker()
    tag = uuid.uuid4().hex[:8]
    house = _hot_house(areas, motors=True)
    house.park.code = f"p{tag}"
    house.park.save()
    received: list[tuple[str, bytes]] = []
    subscribed = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_connect = lambda c, *_a: c.subscribe(
        [(f"villageaid/p{tag}/+/cmd/+", 1), ("cmnd/tasx/+", 1)]
    )
    client.on_subscribe = lambda *_a: subscribed.set()
    client.on_message = lambda _c, _u, m: received.append((m.topic, m.payload))
    client.connect(host, port)
    client.loop_start()
    try:
        assert subscribed.wait(10)
        call_command("control", once=True, client_id=f"test-control-{tag}")
        deadline = timezone.now() + dt.timedelta(seconds=10)
        while len(received) < 2 and timezone.now() < deadline:
            threading.Event().wait(0.1)
    finally:
        client.disconnect()
        client.loop_stop()
    topics = {t for t, _p in received}
    assert f"villageaid/p{tag}/h1/cmd/vent" in topics
    assert ("cmnd/tasx/POWER2", b"ON") in received
