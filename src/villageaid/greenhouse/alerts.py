"""Alert rules for greenhouse houses, evaluated after each ingest batch and by the
control loop (INTERFACES 4.2): out of band for N minutes, a fast humidity fall,
frost and heat limits, stale sensor, implausible value, actuator with no effect.

New alerts appear in the inbox (in-app) and, when the park has a group-robot URL,
are pushed to the WeCom / DingTalk group as a text message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from villageaid.greenhouse import selectors, services
from villageaid.greenhouse.models import Alert, Command, House, Reading, Sensor
from villageaid.greenhouse.stages import StageBand

logger = logging.getLogger(__name__)

RH_DROP_POINTS = 10.0
RH_DROP_WINDOW = dt.timedelta(minutes=10)
NO_EFFECT_AFTER = dt.timedelta(minutes=10)
NO_EFFECT_WITHIN = dt.timedelta(minutes=30)
# Physically possible values per measurement; outside them the sensor is broken.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "air_temp": (-40.0, 60.0),
    "soil_temp": (-30.0, 50.0),
    "outdoor_temp": (-40.0, 50.0),
    "air_rh": (0.0, 100.0),
    "outdoor_rh": (0.0, 100.0),
    "soil_moisture": (0.0, 100.0),
    "co2": (150.0, 10_000.0),
    "lux": (0.0, 200_000.0),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    sensor: Sensor | None = None


def _name(house: House) -> str:
    return house.name or house.code


def _outside(value: float, key: str, band: StageBand) -> bool:
    if key == "air_temp":
        return not band.temp_min_c <= value <= band.temp_max_c
    return not band.rh_min_pct <= value <= band.rh_max_pct


def _out_of_band_since(sensor: Sensor, band: StageBand, now: dt.datetime) -> dt.datetime | None:
    """Start of the current run of out-of-band readings, or None when the latest is in band."""
    if sensor.current_value is None or not _outside(sensor.current_value, sensor.key, band):
        return None
    low, high = (
        (band.temp_min_c, band.temp_max_c)
        if sensor.key == "air_temp"
        else (band.rh_min_pct, band.rh_max_pct)
    )
    last_ok = (
        Reading.objects.filter(sensor=sensor, ts__lte=now, value__gte=low, value__lte=high)
        .aggregate(ts=Max("ts"))
        .get("ts")
    )
    first_bad = Reading.objects.filter(sensor=sensor, ts__lte=now)
    if last_ok is not None:
        first_bad = first_bad.filter(ts__gt=last_ok)
    row = first_bad.order_by("ts").values_list("ts", flat=True).first()
    return row


def _band_findings(
    house: House, band: StageBand | None, sensors: dict[str, Sensor], now: dt.datetime
) -> list[Finding]:
    found: list[Finding] = []
    minutes = house.park.out_of_band_minutes
    for key, label, unit in (("air_temp", "气温", "°C"), ("air_rh", "湿度", "%")):
        sensor = sensors.get(key)
        if band is None or sensor is None or selectors.sensor_is_stale(sensor, now):
            continue
        since = _out_of_band_since(sensor, band, now)
        if since is not None and now - since >= dt.timedelta(minutes=minutes):
            value = sensor.current_value
            found.append(
                Finding(
                    Alert.Kind.OUT_OF_BAND,
                    f"{_name(house)}{label}{value:.1f}{unit}，超出{band.label_zh}适宜范围"
                    f"已{int((now - since).total_seconds() // 60)}分钟",
                    sensor,
                )
            )
    return found


def _rh_drop(house: House, sensors: dict[str, Sensor], now: dt.datetime) -> list[Finding]:
    sensor = sensors.get("air_rh")
    if sensor is None or sensor.current_value is None or selectors.sensor_is_stale(sensor, now):
        return []
    peak = (
        Reading.objects.filter(sensor=sensor, ts__gte=now - RH_DROP_WINDOW, ts__lte=now)
        .aggregate(m=Max("value"))
        .get("m")
    )
    if peak is not None and peak - sensor.current_value > RH_DROP_POINTS:
        fall = peak - sensor.current_value
        return [
            Finding(
                Alert.Kind.RH_DROP,
                f"{_name(house)}湿度10分钟内下降{fall:.0f}个百分点，请收小风口、喷雾",
                sensor,
            )
        ]
    return []


def _limits(house: House, sensors: dict[str, Sensor], now: dt.datetime) -> list[Finding]:
    sensor = sensors.get("air_temp")
    if sensor is None or sensor.current_value is None or selectors.sensor_is_stale(sensor, now):
        return []
    value, park = sensor.current_value, house.park
    if value <= park.frost_c:
        msg = f"{_name(house)}气温{value:.1f}°C，低于冻害下限{park.frost_c:g}°C，请关风口保温"
        return [Finding(Alert.Kind.FROST, msg, sensor)]
    if value >= park.heat_c:
        msg = f"{_name(house)}气温{value:.1f}°C，高于{park.heat_c:g}°C，请开风口、喷雾降温"
        return [Finding(Alert.Kind.HEAT, msg, sensor)]
    return []


def _sensor_health(house: House, all_sensors: list[Sensor], now: dt.datetime) -> list[Finding]:
    found: list[Finding] = []
    minutes = int(selectors.stale_after().total_seconds() // 60)
    for sensor in all_sensors:
        label = f"{_name(house)} {sensor.key}{(' ' + sensor.position) if sensor.position else ''}"
        if selectors.sensor_is_stale(sensor, now):
            found.append(
                Finding(Alert.Kind.STALE, f"{label} 超过{minutes}分钟没有数据，请检查", sensor)
            )
            continue
        low, high = PLAUSIBLE.get(sensor.key, (float("-inf"), float("inf")))
        if sensor.current_value is not None and not low <= sensor.current_value <= high:
            found.append(
                Finding(
                    Alert.Kind.IMPLAUSIBLE,
                    f"{label} 读数{sensor.current_value:g}不可能，传感器可能损坏",
                    sensor,
                )
            )
    return found


def _value_at(sensor: Sensor, ts: dt.datetime) -> float | None:
    row = Reading.objects.filter(sensor=sensor, ts__lte=ts).order_by("-ts").first()
    return row.value if row is not None else None


def _no_effect(house: House, sensors: dict[str, Sensor], now: dt.datetime) -> list[Finding]:
    """A vent opened to cool or misting started 10–30 minutes ago, with the air temperature
    not lower / the humidity not higher since."""
    found: list[Finding] = []
    checks = (
        ("vent", "air_temp", -1.0, "风口开大后棚温没有下降"),
        ("mist", "air_rh", 1.0, "喷雾后湿度没有上升"),
    )
    for actuator, key, sign, what in checks:
        sensor = sensors.get(key)
        if sensor is None or sensor.current_value is None or selectors.sensor_is_stale(sensor, now):
            continue
        recent = list(
            Command.objects.filter(
                house=house, actuator=actuator, ts__gte=now - NO_EFFECT_WITHIN, ts__lte=now
            ).order_by("-ts")[:2]
        )
        if not recent or recent[0].value <= 0 or now - recent[0].ts < NO_EFFECT_AFTER:
            continue
        if actuator == "vent" and len(recent) > 1 and recent[0].value <= recent[1].value:
            continue  # only an opening is expected to cool
        before = _value_at(sensor, recent[0].ts)
        if before is None:
            continue
        change = (sensor.current_value - before) * sign
        if change <= 0.0:
            found.append(
                Finding(
                    Alert.Kind.NO_EFFECT,
                    f"{_name(house)}{what}（{before:.1f}→{sensor.current_value:.1f}），"
                    "请到现场检查执行器",
                    sensor,
                )
            )
    return found


def house_findings(house: House, now: dt.datetime) -> list[Finding]:
    all_sensors = list(house.sensors.all())
    main: dict[str, Sensor] = {}
    for sensor in sorted(all_sensors, key=lambda s: (s.position != "", s.position, s.pk)):
        main.setdefault(sensor.key, sensor)
    band = selectors.house_band(house)
    return [
        *_sensor_health(house, all_sensors, now),
        *_band_findings(house, band, main, now),
        *_rh_drop(house, main, now),
        *_limits(house, main, now),
        *_no_effect(house, main, now),
    ]


def evaluate(
    houses: Iterable[House] | None = None, now: dt.datetime | None = None, notify: bool = True
) -> list[Alert]:
    """Open, refresh and close the alerts of ``houses`` (all when None); returns the newly
    opened ones, after pushing them to their parks' group robots."""
    now = now or timezone.now()
    houses = list(House.objects.select_related("park")) if houses is None else list(houses)
    opened: list[Alert] = []
    for house in houses:
        findings = house_findings(house, now)
        active = {(f.kind, f.sensor.pk if f.sensor else None) for f in findings}
        for finding in findings:
            alert, created = services.alert_open(
                house=house,
                kind=finding.kind,
                message=finding.message,
                now=now,
                sensor=finding.sensor,
            )
            if created:
                opened.append(alert)
        for alert in Alert.objects.filter(house=house, closed_at__isnull=True):
            if (alert.kind, alert.sensor_id) not in active:
                services.alerts_close(house=house, kind=alert.kind, sensor=alert.sensor, now=now)
    if notify:
        for alert in opened:
            notify_webhook(alert)
    return opened


def robot_payload(alert: Alert) -> dict[str, object]:
    """The text message both WeCom and DingTalk group robots accept."""
    text = f"【大棚报警】{alert.house.park.name} {alert.get_kind_display()}：{alert.message}"
    return {"msgtype": "text", "text": {"content": text}}


def notify_webhook(alert: Alert, timeout: float = 5.0) -> bool:
    """POST the alert to the park's group robot; False (and logged) when unset or failing."""
    url = alert.house.park.webhook_url
    if not url.startswith(("http://", "https://")):
        return False
    body = json.dumps(robot_payload(alert), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            ok = 200 <= response.status < 300
    except OSError as exc:
        logger.warning("alert webhook %s failed: %s", url, exc)
        return False
    if ok:
        services.alert_mark_notified(alert=alert)
    return ok
