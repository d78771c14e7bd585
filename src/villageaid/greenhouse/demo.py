"""Demo greenhouse park: Beima's morel tunnels (seed article: 5–18 °C, 65–85 % RH, over
12,000 jin by the end of April 2020), with a live simulated day over an embedded broker."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from villageaid.core import units
from villageaid.core.demo import BEIMA, DemoContext
from villageaid.core.models import Area
from villageaid.greenhouse import broker, live, rollups, services
from villageaid.greenhouse.models import Actuator, House, Park, Reading, Sensor
from villageaid.greenhouse.simulation.runner import run_trace
from villageaid.greenhouse.simulation.weather import CST, WeatherTrace, read_weather

PARK = "beima"
HOUSES = [  # (code, name, motors)
    ("h01", "1号棚", True),
    ("h02", "2号棚", True),
    ("h03", "3号棚", True),
    ("h04", "4号棚", True),
    ("h05", "5号棚", False),
    ("h06", "6号棚", False),
]
SENSORS = [
    ("air_temp", "°C"),
    ("air_rh", "%"),
    ("soil_temp", "°C"),
    ("outdoor_temp", "°C"),
    ("outdoor_rh", "%"),
]
HARVEST_TOTAL_G = units.grams_from_jin(12_000)  # 12,000 jin by 2020-04-30
# The live-stream pick: first grade from every house the day before the 9 April hour.
LIVE_PICK_DAY, LIVE_PICK_G = dt.date(2020, 4, 8), units.grams_from_jin(1_300)
HARVEST_FIRST, HARVEST_LAST = dt.date(2020, 2, 20), dt.date(2020, 4, 30)
BROKER_HOST, BROKER_PORT = "127.0.0.1", broker.DEFAULT_PORT
TRACE = Path(__file__).parent / "data" / "weihai_mar_apr.csv"
LIVE_START = dt.datetime(2020, 4, 8, 6, 0, tzinfo=CST)  # a sunny April morning in the trace


def load(ctx: DemoContext) -> None:
    if Park.objects.filter(code=PARK).exists():
        return
    village = Area.objects.get(code=BEIMA)
    park = Park.objects.create(
        code=PARK,
        name="北马村羊肚菌园区",
        village=village,
        area_path=village.path,
        out_of_band_minutes=3,
    )
    now = timezone.now()
    for code, name, motors in HOUSES:
        house = House.objects.create(park=park, code=code, name=name, has_motors=motors)
        for key, unit in SENSORS:
            Sensor.objects.create(house=house, key=key, unit=unit)
        for kind in (Actuator.Kind.VENT, Actuator.Kind.MIST, Actuator.Kind.SHADE):
            position = 1.0 if kind == Actuator.Kind.SHADE else 0.0
            Actuator.objects.create(house=house, kind=kind, has_motor=motors, position=position)
        services.crop_cycle_start(
            house=house, stage="fruiting", started=now - dt.timedelta(days=20)
        )
    grams = _harvests(park)
    readings = _past_readings(park, now)
    ctx.say(
        f"  {park.name}: {len(HOUSES)} 个棚, 采收 {units.jin(grams):,.0f} 斤, 历史读数 {readings} 条"
    )


def _harvests(park: Park) -> int:
    """Daily picks per house, Feb 20 – Apr 30 2020, rising into April, summing exactly.

    On 8 April every house picks first grade for the next day's live-stream hour
    (LIVE_PICK_G across the six houses, sales' 1,300-jin lot of which the hour sold
    1,100 jin); the other picks share the rest of the season's total. Each record
    becomes stock through the harvest hook (sales: the day's lot of its grade)."""
    rng = random.Random(2020)
    houses = list(park.houses.all())
    days = (HARVEST_LAST - HARVEST_FIRST).days + 1
    plan: list[tuple[House, dt.date, str, float]] = []
    for d in range(0, days, 2):
        date = HARVEST_FIRST + dt.timedelta(days=d)
        weight = 0.3 + 1.7 * d / days
        for house in houses:
            grade = "A" if date == LIVE_PICK_DAY else rng.choices(["A", "B", "C"], [5, 3, 2])[0]
            plan.append((house, date, grade, weight * rng.uniform(0.7, 1.3)))
    live = [i for i, row in enumerate(plan) if row[1] == LIVE_PICK_DAY]
    rest = [i for i in range(len(plan)) if i not in live]
    grams = [0] * len(plan)
    for share, total in ((live, LIVE_PICK_G), (rest, HARVEST_TOTAL_G - LIVE_PICK_G)):
        weights = sum(plan[i][3] for i in share)
        for i in share:
            grams[i] = int(total * plan[i][3] / weights)
        grams[share[-1]] += total - sum(grams[i] for i in share)
    for (house, date, grade, _w), g in zip(plan, grams, strict=True):
        services.harvest_record(
            house=house, date=date, grams=g, grade=grade, picked_by="北马村采菇组"
        )
    return sum(grams)


def _window(trace: WeatherTrace, end: dt.datetime, days: int) -> WeatherTrace:
    minute = trace.to_minutes() if trace.step_s != 60 else trace
    index = int((end.timestamp() - minute.t[0]) // 60)
    lo = max(0, index - days * 1440)
    return WeatherTrace(
        t=minute.t[lo:index],
        air_temp_c=minute.air_temp_c[lo:index],
        rh_pct=minute.rh_pct[lo:index],
        wind_ms=minute.wind_ms[lo:index],
        ghi_wm2=minute.ghi_wm2[lo:index],
        step_s=60,
    )


def _past_readings(park: Park, now: dt.datetime) -> int:
    """The last 24 hours from the model on the day before the live start, every 5 minutes."""
    window = _window(read_weather(TRACE), LIVE_START, days=4)
    runs = {policy: run_trace(window, policy) for policy in ("platform", "villager")}
    step, n = 5, 1440
    rows: list[Reading] = []
    for house in park.houses.all():
        result = runs["platform" if house.has_motors else "villager"]
        temps, rhs = result.temp_c[-n:], result.rh_pct[-n:]
        outdoor_t, outdoor_rh = window.air_temp_c[-n:], window.rh_pct[-n:]
        sensors = {s.key: s for s in house.sensors.all()}
        series = {
            "air_temp": temps,
            "air_rh": rhs,
            "outdoor_temp": outdoor_t,
            "outdoor_rh": outdoor_rh,
            "soil_temp": np.full(n, result.model.state.soil_temp_c),
        }
        for key, values in series.items():
            sensor = sensors[key]
            for j in range(0, n, step):
                ts = (now - dt.timedelta(minutes=n - j)).replace(second=0, microsecond=0)
                rows.append(Reading(sensor=sensor, ts=ts, value=round(float(values[j]), 2)))
            sensor.current_value = rows[-1].value
            sensor.current_at = rows[-1].ts
            sensor.save(update_fields=["current_value", "current_at"])
        rows += _season_readings(window, result.temp_c, result.rh_pct, sensors, step)
    Reading.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    rollups.rollup_readings()  # the house chart's longer ranges read the rollups
    return len(rows)


def _season_readings(
    window: WeatherTrace, temps: np.ndarray, rhs: np.ndarray, sensors: dict[str, Sensor], step: int
) -> list[Reading]:
    """The model's days before the live start at their own 2020 times (every ``step``
    minutes), so the season's figures (the scorecard's share of time in band for the demo's
    2020 period) are computed from readings of that period, not from today's."""
    rows = []
    for key, values in (("air_temp", temps), ("air_rh", rhs)):
        for j in range(0, min(len(values), len(window.t)), step):
            ts = dt.datetime.fromtimestamp(float(window.t[j]), CST)
            rows.append(Reading(sensor=sensors[key], ts=ts, value=round(float(values[j]), 2)))
    return rows


def start(ctx: DemoContext) -> list[Callable[[], None]]:
    """The embedded broker on its own port (a free one when another demo holds 18830), the
    simulator, the listener and the controller, each logging in with its own password."""
    port = broker_port(ctx.mqtt_port)
    url = f"mqtt://{BROKER_HOST}:{port}"
    users = broker.passwords(os.environ.get("DEMO_MQTT_SECRET") or settings.SECRET_KEY)
    stops = [live.start_broker(BROKER_HOST, port, users)]
    houses = [(PARK, h.code, h.has_motors) for h in House.objects.filter(park__code=PARK)]
    sim_url = broker.user_url(url, broker.SIMULATOR, users[broker.SIMULATOR])
    simulator = live.simulator_for(sim_url, read_weather(TRACE), houses, LIVE_START)
    stops.extend(live.start_park(url, simulator, users=users))
    taken = "" if port == (ctx.mqtt_port or BROKER_PORT) else f"（{BROKER_PORT} 已被占用）"
    ctx.say(
        f"  大棚园区: 内置 MQTT {url}{taken}，需账号密码，只有控制程序可发指令；"
        f"模拟时间每秒 1 分钟，从 {LIVE_START:%m-%d %H:%M} 开始"
    )
    return list(reversed(stops))


def broker_port(wanted: int | None) -> int:
    """The port asked for with --mqtt-port (refused when taken), else 18830 or a free one."""
    if wanted is None:
        return broker.free_port(BROKER_HOST, BROKER_PORT)
    if not broker.port_is_free(BROKER_HOST, wanted):
        raise CommandError(f"MQTT 端口 {wanted} 已被占用（--mqtt-port），请换一个或省略该选项")
    return wanted
