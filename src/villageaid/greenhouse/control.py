"""The live control loop behind ``villageaid control``.

Every ``interval`` seconds, for each house with a crop cycle: load its latest readings,
stage band, actuator positions and manual overrides; ask its
:class:`controller.PlatformController` (one per house: the model-predictive controller, which
keeps its model estimate, the weather history and its plan) what to do; store
the commands with their reasons (and advice sentences for houses turned by hand); publish
them on ``villageaid/<park>/<house>/cmd/<actuator>`` (INTERFACES 4.3) and, for actuators
mapped to a Tasmota relay, ``cmnd/<device>/POWER<n>`` ``ON``/``OFF``; then run the alert rules.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from villageaid.greenhouse import alerts, selectors, services
from villageaid.greenhouse.controller import (
    ActuatorPositions,
    ControlInput,
    ControllerSettings,
    ManualOverride,
    PlatformController,
    Reading,
)
from villageaid.greenhouse.controller import Command as ControlCommand
from villageaid.greenhouse.models import Actuator, House

logger = logging.getLogger(__name__)

SENSOR_FIELDS = {
    "air_temp": "air_temp",
    "air_rh": "air_rh",
    "soil_temp": "soil_temp",
    "outdoor_temp": "outdoor_temp",
    "outdoor_rh": "outdoor_rh",
    "outdoor_wind": "outdoor_wind",
    "outdoor_ghi": "outdoor_ghi",
}


class Publisher(Protocol):
    def publish(self, topic: str, payload: str, qos: int = 1) -> Any: ...


def command_topic(house: House, actuator: str) -> str:
    prefix = getattr(settings, "MQTT_TOPIC_PREFIX", "villageaid")
    return f"{prefix}/{house.park.code}/{house.code}/cmd/{actuator}"


def messages_for(
    house: House, command: ControlCommand, actuator: Actuator | None, now: datetime
) -> list[tuple[str, str]]:
    """The MQTT messages of one command: the platform topic, plus the Tasmota relay."""
    out = [(command_topic(house, command.actuator), json.dumps(command.as_payload(now)))]
    if actuator is not None and actuator.device and actuator.relay:
        out.append(
            (f"cmnd/{actuator.device}/POWER{actuator.relay}", "ON" if command.value > 0 else "OFF")
        )
    return out


@dataclass
class ControlLoop:
    publisher: Publisher | None = None
    controller_settings: ControllerSettings | None = None
    clock: Callable[[], datetime] = timezone.now
    controllers: dict[int, PlatformController] = field(default_factory=dict)

    def controller_for(self, house: House) -> PlatformController:
        if house.pk not in self.controllers:
            self.controllers[house.pk] = PlatformController(self.controller_settings)
        return self.controllers[house.pk]

    def control_input(self, house: House, now: datetime) -> ControlInput | None:
        band = selectors.house_band(house)
        if band is None:
            return None
        readings: dict[str, Reading | None] = {}
        for key, name in SENSOR_FIELDS.items():
            sensor = selectors.house_sensor(house, key)
            ok = sensor is not None and sensor.current_value is not None and sensor.current_at
            readings[name] = (
                Reading(sensor.current_value, sensor.current_at)  # type: ignore[union-attr,arg-type]
                if ok
                else None
            )
        actuators = {a.kind: a for a in house.actuators.all()}

        def position(kind: str, default: float) -> float:
            return actuators[kind].position if kind in actuators else default

        overrides = tuple(
            ManualOverride(a.kind, a.override_value, a.override_until)
            for a in actuators.values()
            if a.override_until is not None
            and a.override_until > now
            and a.override_value is not None
        )
        return ControlInput(
            now=now,
            band=band,
            actuators=ActuatorPositions(
                vent_pct=position("vent", 0.0),
                mist_s=position("mist", 0.0),
                shade_on=bool(position("shade", 1.0)),
                fan_on=bool(position("fan", 0.0)),
            ),
            overrides=overrides,
            **readings,
        )

    def run_house(self, house: House, now: datetime, counts: Counter[str]) -> None:
        inp = self.control_input(house, now)
        if inp is None:
            return
        started = time.perf_counter()
        out = self.controller_for(house).decide(inp)
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        counts["controller_ms"] += round(elapsed_ms)  # summed over the houses of the pass
        counts["houses"] += 1
        if out.safe_mode:
            counts["safe_mode"] += 1
        if not out.commands:
            return
        rows = services.commands_store(
            house=house, commands=out.commands, advice=out.advice, now=now
        )
        counts["commands"] += len(rows)
        counts["advice"] += len(out.advice) if not house.has_motors else 0
        if self.publisher is None or not house.has_motors:
            return
        actuators = {a.kind: a for a in house.actuators.all()}
        for command in out.commands:
            for topic, payload in messages_for(
                house, command, actuators.get(command.actuator), now
            ):
                info = self.publisher.publish(topic, payload, qos=1)
                if hasattr(info, "wait_for_publish"):
                    info.wait_for_publish(timeout=5)
                counts["published"] += 1
        services.commands_mark_sent(commands=rows)

    def run_once(self) -> Counter[str]:
        """One pass over every house, then the alert rules."""
        now = self.clock()
        counts: Counter[str] = Counter()
        houses = list(House.objects.select_related("park").order_by("park__code", "code"))
        for house in houses:
            try:
                self.run_house(house, now, counts)
            except Exception:  # one broken house must not stop the others
                logger.exception("control failed for house %s", house)
                counts["failed"] += 1
        opened = alerts.evaluate(houses, now=now)
        if opened:
            counts["alerts_opened"] += len(opened)
        return counts


def mqtt_publisher(url: str, client_id: str = "", mqtt_version: int = 5) -> mqtt.Client:
    """A connected paho client with its network loop running (caller disconnects)."""
    parts = urlsplit(url)
    protocol = mqtt.MQTTv5 if mqtt_version == 5 else mqtt.MQTTv311
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    return client


def run(
    loop: ControlLoop,
    interval: float,
    *,
    once: bool = False,
    max_seconds: float | None = None,
    stop: threading.Event | None = None,
    db_lock: Any = None,
) -> Counter[str]:
    """Run passes every ``interval`` seconds until ``once``, ``max_seconds`` or ``stop``."""
    total: Counter[str] = Counter()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    stop = stop or threading.Event()
    while True:
        started = time.monotonic()
        with db_lock or contextlib.nullcontext():
            close_old_connections()
            total.update(loop.run_once())
        total["passes"] += 1
        if once or (deadline is not None and time.monotonic() >= deadline):
            break
        wait = interval - (time.monotonic() - started)
        if deadline is not None:
            wait = min(wait, deadline - time.monotonic())
        if stop.wait(max(wait, 0.0)):
            break
    return total
