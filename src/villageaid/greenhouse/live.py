"""The live demo park: an embedded MQTT broker (amqtt, MQTT 3.1.1) on its own port, the
tunnel model driving each house in accelerated time and publishing platform JSON
telemetry, the telemetry listener and the control loop, each in a background thread.

Readings carry wall-clock timestamps, so staleness and the pages work as in production;
the weather and the physics run ``speed`` times faster (one simulated minute per second by
default), and the controller's vent rate limit is scaled by the same factor. Houses
with motors follow the commands they receive over MQTT; hand-turned houses follow the
first-year villager routine, which is what their caretakers did before the platform.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import connections

from villageaid.greenhouse import broker, control, listener
from villageaid.greenhouse.broker import start_broker as start_broker  # the demo and its tests
from villageaid.greenhouse.controller import ActuatorPositions, ControllerSettings
from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelModel
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.policies import Observation, VillagerPolicy
from villageaid.greenhouse.simulation.runner import _spun_up_model
from villageaid.greenhouse.simulation.weather import CST, WeatherTrace
from villageaid.greenhouse.stages import stage_band

logger = logging.getLogger(__name__)
# The demo's threads take turns on the database (SQLite allows one writer at a time).
DB_LOCK = threading.Lock()
Stop = Callable[[], None]


@dataclass
class SimHouse:
    park: str
    code: str
    motors: bool
    model: TunnelModel
    targets: ActuatorTargets = field(default_factory=ActuatorTargets)
    villager: VillagerPolicy = field(default_factory=VillagerPolicy)


@dataclass
class Simulator:
    """Steps each house one simulated minute per tick and publishes its telemetry."""

    url: str
    trace: WeatherTrace  # at a 1-minute step
    houses: list[SimHouse]
    start_index: int = 0
    tick_s: float = 1.0
    i: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def outdoor(self) -> Outdoor:
        k = (self.start_index + self.i) % len(self.trace)
        t = self.trace
        return Outdoor(
            float(t.air_temp_c[k]), float(t.rh_pct[k]), float(t.wind_ms[k]), float(t.ghi_wm2[k])
        )

    def sim_now(self) -> dt.datetime:
        k = (self.start_index + self.i) % len(self.trace)
        return dt.datetime.fromtimestamp(float(self.trace.t[k]), CST)

    def on_command(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        parts = msg.topic.split("/")  # villageaid/<park>/<house>/cmd/<actuator>
        try:
            value = float(json.loads(msg.payload)["value"])
        except (ValueError, KeyError, TypeError):
            return
        with self.lock:
            for house in self.houses:
                if house.park == parts[1] and house.code == parts[2] and house.motors:
                    t = house.targets
                    house.targets = ActuatorTargets(
                        vent_pct=value if parts[4] == "vent" else t.vent_pct,
                        mist_s=value if parts[4] == "mist" else t.mist_s,
                        shade_on=bool(value) if parts[4] == "shade" else t.shade_on,
                        fan_on=bool(value) if parts[4] == "fan" else t.fan_on,
                    )

    def step(self, client: mqtt.Client) -> None:
        outdoor, sim_now = self.outdoor(), self.sim_now()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        band = stage_band("fruiting")
        with self.lock:
            for house in self.houses:
                s = house.model.state
                if not house.motors:
                    house.targets = house.villager.decide(
                        Observation(
                            now=sim_now,
                            band=band,
                            air_temp_c=s.air_temp_c,
                            rh_pct=s.rh_pct,
                            soil_temp_c=s.soil_temp_c,
                            outdoor=outdoor,
                            actuators=ActuatorPositions(s.vent_pct, s.mist_s, s.shade_on),
                            forecast_max_c=outdoor.temp_c + 6.0,
                        )
                    )
                house.model.step(outdoor, house.targets)
                s = house.model.state
                payload = {
                    "ts": now.isoformat(),
                    "air_temp": round(s.air_temp_c, 2),
                    "air_rh": round(s.rh_pct, 1),
                    "soil_temp": round(s.soil_temp_c, 2),
                    "outdoor_temp": round(outdoor.temp_c, 2),
                    "outdoor_rh": round(outdoor.rh_pct, 1),
                }
                topic = f"villageaid/{house.park}/{house.code}/telemetry"
                client.publish(topic, json.dumps(payload), qos=1)
        self.i += 1

    def run(self, stop: threading.Event) -> None:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id="demo-simulator", protocol=mqtt.MQTTv311
        )
        client.on_connect = lambda c, *_a: c.subscribe("villageaid/+/+/cmd/+", qos=1)
        client.on_message = self.on_command
        host, port = _host_port(self.url)
        parts = urlsplit(self.url)
        if parts.username:
            client.username_pw_set(unquote(parts.username), unquote(parts.password or ""))
        client.connect(host, port)
        client.loop_start()
        try:
            while not stop.wait(self.tick_s):
                self.step(client)
        finally:
            client.disconnect()
            client.loop_stop()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 1883


def simulator_for(
    url: str,
    trace: WeatherTrace,
    houses: list[tuple[str, str, bool]],
    start: dt.datetime,
    tick_s: float = 1.0,
) -> Simulator:
    """Spin up one tunnel model per (park, house, motors) at ``start`` in the trace."""
    minute = trace.to_minutes() if trace.step_s != 60 else trace
    index = int(max(0, min(len(minute) - 1, (start.timestamp() - minute.t[0]) // 60)))
    window = WeatherTrace(
        t=minute.t[max(0, index - 3 * 1440) : index + 1],
        air_temp_c=minute.air_temp_c[max(0, index - 3 * 1440) : index + 1],
        rh_pct=minute.rh_pct[max(0, index - 3 * 1440) : index + 1],
        wind_ms=minute.wind_ms[max(0, index - 3 * 1440) : index + 1],
        ghi_wm2=minute.ghi_wm2[max(0, index - 3 * 1440) : index + 1],
        step_s=60,
    )
    sim_houses = []
    for park, code, motors in houses:
        model = _spun_up_model(window, TunnelParams())
        sim_houses.append(SimHouse(park=park, code=code, motors=motors, model=model))
    return Simulator(url=url, trace=minute, houses=sim_houses, start_index=index, tick_s=tick_s)


def _thread(name: str, target: Callable[[threading.Event], Any]) -> Stop:
    """Run ``target(stop)`` in a daemon thread. An in-memory SQLite database (tests) is
    shared with the thread, as Django's live server does, under :data:`DB_LOCK`."""
    stop = threading.Event()
    shared: Any = connections["default"]
    if not (shared.vendor == "sqlite" and shared.is_in_memory_db()):
        shared = None
    else:
        shared.inc_thread_sharing()

    def run() -> None:
        if shared is not None:
            connections["default"] = shared
        try:
            target(stop)
        except Exception:
            logger.exception("%s stopped", name)
        finally:
            if shared is None:
                connections.close_all()
            else:
                shared.dec_thread_sharing()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(10)

    return halt


def start_park(
    url: str,
    simulator: Simulator,
    *,
    speed: float = 60.0,
    control_every_s: float = 2.0,
    users: dict[str, str] | None = None,
) -> list[Stop]:
    """Listener, control loop and simulator threads against the broker at ``url``, each
    logging in as its own account when ``users`` (name → password) is given."""

    def as_user(name: str) -> str:
        return url if users is None else broker.user_url(url, name, users[name])

    stops: list[Stop] = []
    ready = threading.Event()
    options = listener.Options(
        url=as_user(broker.LISTENER),
        client_id="demo-listener",
        mqtt_version=311,
        batch_seconds=0.5,
        evaluate_every=5.0,
        db_lock=DB_LOCK,
    )
    stops.append(_thread("demo-listener", lambda stop: listener.listen(options, ready, stop)))
    ready.wait(10)
    # the controller plans on the model's clock (15 simulated minutes); its minimum hold and
    # staleness are wall-clock, so the hold is scaled down with the physics
    settings = ControllerSettings(min_hold=dt.timedelta(seconds=600.0 / speed), speed=speed)

    def control_loop(stop: threading.Event) -> None:
        client = control.mqtt_publisher(as_user(broker.CONTROL), "demo-control", mqtt_version=311)
        try:
            loop = control.ControlLoop(publisher=client, controller_settings=settings)
            control.run(loop, control_every_s, stop=stop, db_lock=DB_LOCK)
        finally:
            client.disconnect()
            client.loop_stop()

    stops.append(_thread("demo-control", control_loop))
    stops.append(_thread("demo-simulator", simulator.run))
    return stops
