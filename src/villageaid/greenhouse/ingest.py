"""Inbound telemetry (INTERFACES 4.1): one pure parser per format, and the
service that stores what they parse.

Formats are a registry: each entry of ``FORMATS`` matches a topic and turns
its payload into :class:`ParsedReading` rows, raising ``ValueError`` when the
payload is invalid. Adding a format is adding a parser and one line there.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q

from villageaid.core import bounds
from villageaid.greenhouse.models import Reading, Sensor

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# Measurements the platform JSON may carry, with their units.
MEASUREMENTS: dict[str, str] = {
    "air_temp": "°C",
    "air_rh": "%",
    "soil_temp": "°C",
    "soil_moisture": "%",
    "co2": "ppm",
    "lux": "lx",
    "outdoor_temp": "°C",
    "outdoor_rh": "%",
}
TASMOTA_SENSORS = ("AM2301", "SHT3X", "BME280", "DS18B20")
TASMOTA_FIELDS = ("Temperature", "Humidity", "Pressure", "DewPoint")


@dataclass(frozen=True)
class ParsedReading:
    """A value for a sensor named either by house (``park``/``house``/``key``, the
    platform format) or by device (``device``/``key`` = the sensor's source key)."""

    ts: datetime
    value: float
    key: str
    device: str = ""
    park: str = ""
    house: str = ""


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    received_at: datetime


def _number(raw: Any, key: str = "") -> float:
    """A finite number inside the measurement's bound (``core.bounds.READINGS``)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"not a number: {raw!r}")
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        raise ValueError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {raw!r}")
    try:
        return bounds.check_float(bounds.READINGS.get(key, bounds.ANY_READING), value)
    except ValidationError:
        raise ValueError(f"{key or 'value'} out of range: {raw!r}") from None


def _timestamp(raw: Any, default: datetime) -> datetime:
    """ISO 8601; without an offset the time is Asia/Shanghai."""
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise ValueError(f"bad timestamp: {raw!r}")
    try:
        ts = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"bad timestamp: {raw!r}") from None
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=LOCAL_TZ)


def _json_object(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("JSON payload is not an object")
    return data


def parse_platform(match: re.Match[str], payload: bytes, now: datetime) -> list[ParsedReading]:
    data = _json_object(payload)
    ts = _timestamp(data.get("ts"), now)
    park, house = match["park"], match["house"]
    rows = [
        ParsedReading(ts=ts, value=_number(data[key], key), key=key, park=park, house=house)
        for key in MEASUREMENTS
        if key in data
    ]
    if not rows:
        raise ValueError("no measurement in payload")
    return rows


def parse_tasmota(match: re.Match[str], payload: bytes, now: datetime) -> list[ParsedReading]:
    data = _json_object(payload)
    ts = _timestamp(data.get("Time"), now)
    rows = []
    for name, values in data.items():
        if not name.startswith(TASMOTA_SENSORS) or not isinstance(values, dict):
            continue
        for key in TASMOTA_FIELDS:
            if key in values:
                value = _number(values[key], key)
                rows.append(ParsedReading(ts, value, f"{name}.{key}", device=match["device"]))
    if not rows:
        raise ValueError("no supported sensor in payload")
    return rows


def parse_esphome(match: re.Match[str], payload: bytes, now: datetime) -> list[ParsedReading]:
    try:
        text = payload.decode().strip()
    except UnicodeDecodeError:
        raise ValueError("payload is not text") from None
    return [ParsedReading(now, _number(text), match["name"], device=match["device"])]


Parser = Callable[[re.Match[str], bytes, datetime], list[ParsedReading]]
FORMATS: list[tuple[re.Pattern[str], Parser]] = [
    (re.compile(r"^villageaid/(?P<park>[^/]+)/(?P<house>[^/]+)/telemetry$"), parse_platform),
    (re.compile(r"^tele/(?P<device>[^/]+)/SENSOR$"), parse_tasmota),
    (re.compile(r"^(?P<device>[^/]+)/sensor/(?P<name>[^/]+)/state$"), parse_esphome),
]
# Subscriptions covering the formats above.
TOPICS = ("villageaid/+/+/telemetry", "tele/+/SENSOR", "+/sensor/+/state")


def parse_message(topic: str, payload: bytes, received_at: datetime) -> list[ParsedReading]:
    """Readings in one message; ``ValueError`` for an unknown topic or a bad payload."""
    for pattern, parser in FORMATS:
        match = pattern.match(topic)
        if match:
            return parser(match, payload, received_at)
    raise ValueError(f"unknown topic {topic}")


# --- storing ------------------------------------------------------------------

Target = tuple[str, str, str]  # (park, house, key) or ("", device, source key)


def sensor_targets(parsed: Iterable[ParsedReading] | None = None) -> dict[Target, int]:
    """Sensor ids keyed as readings name them: (park, house, key) or ("", device, key);
    for the sensors ``parsed`` names, or for every sensor when it is None."""
    rows = Sensor.objects.all()
    if parsed is not None:
        parsed = list(parsed)
        houses = {(r.park, r.house) for r in parsed if not r.device}
        devices = {r.device for r in parsed if r.device}
        query = Q(device__in=devices)
        for park, house in houses:
            query |= Q(house__park__code=park, house__code=house)
        rows = rows.filter(query)
    found: dict[Target, int] = {}
    # the unpositioned / first sensor of a key wins for the platform format
    for pk, device, source_key, park, house, key in rows.order_by("-position", "-pk").values_list(
        "pk", "device", "source_key", "house__park__code", "house__code", "key"
    ):
        if device:
            found[("", device, source_key)] = pk
        found[(park, house, key)] = pk
    return found


class SensorCache:
    """The listener's map of sensor targets to ids: loaded whole, reloaded after ``ttl``
    seconds or when a reading names an unknown target (at most every ``miss_reload``
    seconds, so a flood from an unregistered device does not reload it per batch)."""

    def __init__(self, ttl: float = 60.0, miss_reload: float = 5.0) -> None:
        self.ttl, self.miss_reload = ttl, miss_reload
        self._map: dict[Target, int] = {}
        self._loaded = -math.inf

    def invalidate(self) -> None:
        self._loaded = -math.inf

    def lookup(self, parsed: list[ParsedReading]) -> dict[Target, int]:
        now = time.monotonic()
        age = now - self._loaded
        missing = any(_target(r) not in self._map for r in parsed)
        if age > self.ttl or (missing and age > self.miss_reload):
            self._map = sensor_targets()
            self._loaded = now
        return self._map


def _target(row: ParsedReading) -> Target:
    return ("", row.device, row.key) if row.device else (row.park, row.house, row.key)


def max_ahead() -> timedelta:
    """How far a reading's time may lie ahead of the server's clock at receipt."""
    return timedelta(seconds=settings.GREENHOUSE_MAX_FUTURE_SECONDS)


def _parse_all(
    messages: Iterable[Message], counts: Counter[str]
) -> tuple[list[ParsedReading], list[ParsedReading]]:
    """The readings of ``messages``, and apart those stamped too far in the future: stored,
    such a reading would stay the sensor's current value until that time comes."""
    parsed: list[ParsedReading] = []
    future: list[ParsedReading] = []
    ahead = max_ahead()
    for message in messages:
        counts["messages"] += 1
        try:
            rows = parse_message(message.topic, message.payload, message.received_at)
        except ValueError as exc:
            counts["invalid"] += 1
            logger.warning("invalid telemetry on %s: %s", message.topic, exc)
            continue
        limit = message.received_at + ahead
        for row in rows:
            (future if row.ts > limit else parsed).append(row)
    if future:
        counts["future"] += len(future)
        logger.warning("%d readings stamped in the future refused, e.g. %s", len(future), future[0])
    return parsed, future


def _count_future(future: list[ParsedReading], targets: dict[Target, int]) -> None:
    """Count refused future readings on their sensors (shown on the house page)."""
    per_sensor = Counter(targets[t] for t in map(_target, future) if t in targets)
    for sensor_id, n in sorted(per_sensor.items()):
        Sensor.objects.filter(pk=sensor_id).update(future_refused=F("future_refused") + n)


def _insert(rows: list[tuple[int, datetime, float]]) -> None:
    """Insert (sensor id, ts, value) rows, dropping those already stored.

    On PostgreSQL one ``INSERT … SELECT FROM unnest(arrays)``: three array parameters
    instead of three per row, and no model instances (the ORM's ``bulk_create`` spent
    most of the ingest time building and preparing them)."""
    if connection.vendor == "postgresql":
        sensor_ids, stamps, values = (list(column) for column in zip(*rows, strict=True))
        table = connection.ops.quote_name(Reading._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (sensor_id, ts, value) "  # noqa: S608
                "SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::double precision[]) "
                "ON CONFLICT DO NOTHING",
                [sensor_ids, stamps, values],
            )
        return
    Reading.objects.bulk_create(
        [Reading(sensor_id=s, ts=ts, value=v) for s, ts, v in rows], ignore_conflicts=True
    )


def _move_current(newest: dict[int, tuple[datetime, float]]) -> None:
    """Move each sensor's current value, only forward in time (safe against races).

    On PostgreSQL one ``UPDATE … FROM unnest(arrays)`` statement; elsewhere one UPDATE per sensor.
    """
    if not newest:
        return
    if connection.vendor == "postgresql":
        ids = sorted(newest)  # a stable lock order between concurrent listeners
        table = connection.ops.quote_name(Sensor._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS s SET current_value = v.value, current_at = v.ts "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::double precision[], %s::timestamptz[]) "
                "AS v(id, value, ts) "
                "WHERE s.id = v.id AND (s.current_at IS NULL OR s.current_at < v.ts)",
                [ids, [newest[i][1] for i in ids], [newest[i][0] for i in ids]],
            )
        return
    for sensor_id, (ts, value) in newest.items():
        Sensor.objects.filter(
            Q(current_at__isnull=True) | Q(current_at__lt=ts), pk=sensor_id
        ).update(current_value=value, current_at=ts)


def readings_ingest(
    *, messages: Iterable[Message], sensors: SensorCache | None = None
) -> Counter[str]:
    """Parse and store a batch of messages; returns counts (messages, invalid,
    readings, unmapped, future). Duplicates (QoS 1 redelivery) are dropped by the
    (sensor, ts) constraint; an older reading is kept but does not become current; a
    reading stamped more than ``GREENHOUSE_MAX_FUTURE_SECONDS`` after its receipt is
    refused and counted on its sensor (``Sensor.future_refused``).
    ``sensors``: the listener's cache of the sensor map (looked up per batch without it)."""
    counts: Counter[str] = Counter()
    parsed, future = _parse_all(messages, counts)
    if not parsed and not future:
        return counts
    named = parsed + future
    targets = sensors.lookup(named) if sensors is not None else sensor_targets(named)
    if future:
        _count_future(future, targets)
    rows: list[tuple[int, datetime, float]] = []
    newest: dict[int, tuple[datetime, float]] = {}
    for row in parsed:
        sensor_id = targets.get(_target(row))
        if sensor_id is None:
            counts["unmapped"] += 1
            logger.info("no sensor for %s", row)
            continue
        rows.append((sensor_id, row.ts, row.value))
        if sensor_id not in newest or newest[sensor_id][0] < row.ts:
            newest[sensor_id] = (row.ts, row.value)
    if rows:
        with transaction.atomic():
            _insert(rows)
            _move_current(newest)
    counts["readings"] += len(rows)
    return counts
