"""Writes to the greenhouse module. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, roles
from villageaid.core.errors import ServiceError
from villageaid.greenhouse import stages
from villageaid.greenhouse.models import (
    Actuator,
    Advice,
    Alert,
    Command,
    CropCycle,
    Harvest,
    House,
    Park,
    Sensor,
    StageProfile,
)
from villageaid.greenhouse.overrides import validate_override

# What a harvest record sets off downstream, inside its own transaction (sales registers
# its lot intake in SalesConfig.ready): a refusal there undoes the record. The greenhouse
# imports no downstream app; each hook is called as hook(harvest=..., actor=...).
HARVEST_HOOKS: list[Callable[..., Any]] = []
HARVEST_PHOTO_MAX_BYTES = 5 * 1024 * 1024
# The image types a phone sends, by their first bytes (the name and the browser's
# content type prove nothing).
_PHOTO_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}


def _photo_kind(photo: UploadedFile) -> str:
    """The photo's type from its first bytes, refusing what is too large or not an image."""
    if photo.size is None or photo.size > HARVEST_PHOTO_MAX_BYTES:
        raise ServiceError(_("照片不能超过 5 MB"), code="photo_too_large")
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    for magic, kind in _PHOTO_MAGIC.items():
        if head.startswith(magic) and (kind != "webp" or head[8:12] == b"WEBP"):
            return kind
    raise ServiceError(_("照片只能是 JPEG、PNG 或 WebP 图片"), code="photo_type")


def _require_edit(actor: Any, area_path: str) -> None:
    """The service's own check of the actor's role and area (the views check first);
    ``None`` is the system itself (the controller, a command, the demo)."""
    if actor is not None:
        access.check_row(actor, roles.Module.GREENHOUSE, roles.EDIT, area_path)


def harvest_record(
    *,
    house: House,
    date: dt.date,
    grams: int,
    grade: str = Harvest.Grade.A,
    picked_by: str = "",
    note: str = "",
    actor: Any = None,
    photo: UploadedFile | None = None,
) -> Harvest:
    """Record one pick (and its optional photo); ``area_path`` is copied from the house's
    park. The :data:`HARVEST_HOOKS` run in the same transaction (sales: the lot)."""
    _require_edit(actor, house.park.area_path)
    if grams <= 0:
        raise ServiceError(_("采收重量必须大于零"), code="harvest_weight")
    bounds.ensure(bounds.GRAMS, grams)
    bounds.ensure(bounds.check_past_date, date)
    if grade not in Harvest.Grade.values:
        raise ServiceError(_("未知的等级：%(grade)s") % {"grade": grade}, code="harvest_grade")
    kind = _photo_kind(photo) if photo is not None else ""
    with transaction.atomic():
        harvest = Harvest.objects.create(
            house=house,
            date=date,
            grade=grade,
            grams=int(grams),
            picked_by=picked_by,
            note=note,
            area_path=house.park.area_path,
        )
        audit.record(
            actor=actor,
            action="greenhouse.harvest",
            obj=harvest,
            after={"house": house.pk, "date": date.isoformat(), "grade": grade, "grams": grams},
        )
        if photo is not None:
            harvest.photo.save(f"harvest-{harvest.pk}.{kind}", photo, save=True)
        for hook in HARVEST_HOOKS:
            hook(harvest=harvest, actor=actor)
    return harvest


# --- stage profiles and crop cycles ---------------------------------------------


def stage_profiles_seed(*, park: Park, actor: Any = None) -> int:
    """Give a park the bands of :mod:`stages` for the stages it does not have yet."""
    created = 0
    with transaction.atomic():
        for band in stages.STAGES.values():
            _, made = StageProfile.objects.get_or_create(
                park=park,
                stage=band.stage,
                defaults={
                    "label": band.label_zh,
                    "temp_min_c": band.temp_min_c,
                    "temp_max_c": band.temp_max_c,
                    "rh_min_pct": band.rh_min_pct,
                    "rh_max_pct": band.rh_max_pct,
                },
            )
            created += made
        if created:
            audit.record(actor=actor, action="greenhouse.stages_seed", obj=park)
    return created


def stage_profile_update(
    *,
    profile: StageProfile,
    temp_min_c: float,
    temp_max_c: float,
    rh_min_pct: float,
    rh_max_pct: float,
    actor: Any = None,
) -> StageProfile:
    _require_edit(actor, profile.park.area_path)
    for temperature in (temp_min_c, temp_max_c):
        bounds.ensure(bounds.AIR_TEMPERATURE, temperature)
    for humidity in (rh_min_pct, rh_max_pct):
        bounds.ensure(bounds.HUMIDITY, humidity)
    if temp_min_c >= temp_max_c or rh_min_pct >= rh_max_pct:
        raise ServiceError(_("下限必须小于上限"), code="band_order")
    before = {
        "temp": [profile.temp_min_c, profile.temp_max_c],
        "rh": [profile.rh_min_pct, profile.rh_max_pct],
    }
    with transaction.atomic():
        profile.temp_min_c, profile.temp_max_c = temp_min_c, temp_max_c
        profile.rh_min_pct, profile.rh_max_pct = rh_min_pct, rh_max_pct
        profile.save()
        audit.record(
            actor=actor,
            action="greenhouse.stage_update",
            obj=profile,
            before=before,
            after={"temp": [temp_min_c, temp_max_c], "rh": [rh_min_pct, rh_max_pct]},
        )
    return profile


def crop_cycle_start(
    *, house: House, stage: str, started: dt.datetime | None = None, actor: Any = None
) -> CropCycle:
    """Move a house to a stage (seeding the park's profiles if needed)."""
    _require_edit(actor, house.park.area_path)
    stages.stage_band(stage)  # unknown stages raise
    bounds.ensure(bounds.check_past_datetime, started)
    with transaction.atomic():
        stage_profiles_seed(park=house.park, actor=actor)
        cycle = CropCycle.objects.create(
            house=house, stage=stage, **({"started": started} if started else {})
        )
        audit.record(actor=actor, action="greenhouse.stage", obj=cycle, after={"stage": stage})
    return cycle


# --- actuators -------------------------------------------------------------------


def actuator_override_set(
    *,
    actuator: Actuator,
    value: float,
    minutes: int,
    actor: Any,
    now: dt.datetime | None = None,
    unit: str | None = None,
) -> Actuator:
    """A technician's manual setting that the controller leaves alone for ``minutes``.

    Range, unit and duration are checked per actuator (`overrides.SPECS`); a refusal raises
    ServiceError and writes nothing."""
    _require_edit(actor, actuator.house.park.area_path)
    unit = validate_override(actuator.kind, value, minutes, unit)
    now = now or timezone.now()
    before = {"value": actuator.override_value, "position": actuator.position}
    with transaction.atomic():
        actuator.override_value = value
        actuator.override_until = now + dt.timedelta(minutes=minutes)
        actuator.position = value
        actuator.save(update_fields=["override_value", "override_until", "position"])
        Command.objects.create(
            house=actuator.house,
            actuator=actuator.kind,
            value=value,
            unit=UNITS.get(actuator.kind, "on/off"),
            reason=f"人工接管{minutes}分钟",
            ts=now,
        )
        audit.record(
            actor=actor,
            action="greenhouse.override",
            obj=actuator,
            before=before,
            after={
                "value": value,
                "unit": unit,
                "minutes": minutes,
                "until": actuator.override_until.isoformat(),
            },
        )
    return actuator


def actuator_override_clear(*, actuator: Actuator, actor: Any) -> Actuator:
    _require_edit(actor, actuator.house.park.area_path)
    with transaction.atomic():
        actuator.override_value = None
        actuator.override_until = None
        actuator.save(update_fields=["override_value", "override_until"])
        audit.record(actor=actor, action="greenhouse.override_clear", obj=actuator)
    return actuator


UNITS = {"vent": "%", "mist": "s/min"}


def commands_store(
    *,
    house: House,
    commands: list[Any],
    advice: list[str],
    now: dt.datetime,
    actor: Any = None,
) -> list[Command]:
    """Store the controller's commands (``controller.Command``) and advice; move the
    actuators' recorded positions to the commanded values."""
    with transaction.atomic():
        rows = Command.objects.bulk_create(
            [
                Command(
                    house=house,
                    actuator=c.actuator,
                    value=c.value,
                    unit=c.unit,
                    reason=c.reason[:255],
                    ts=now,
                )
                for c in commands
            ]
        )
        actuators = {a.kind: a for a in house.actuators.all()}
        for c in commands:
            actuator = actuators.get(c.actuator)
            if actuator is not None:
                actuator.position = c.value
                actuator.save(update_fields=["position"])
        if advice and not house.has_motors:
            Advice.objects.bulk_create([Advice(house=house, text=t[:255], ts=now) for t in advice])
        if rows:
            audit.record(
                actor=actor,
                action="greenhouse.control",
                obj=house,
                after={"commands": [f"{c.actuator}={c.value}{c.unit}" for c in commands]},
            )
    return rows


def commands_mark_sent(*, commands: list[Command]) -> None:
    Command.objects.filter(pk__in=[c.pk for c in commands]).update(sent=True)


# --- alerts ----------------------------------------------------------------------


def alert_open(
    *,
    house: House,
    kind: str,
    message: str,
    now: dt.datetime,
    sensor: Sensor | None = None,
) -> tuple[Alert, bool]:
    """Open an alert, or refresh the open one of the same (house, kind, sensor);
    returns (alert, created)."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(house=house, kind=kind, sensor=sensor, closed_at__isnull=True)
            .first()
        )
        if alert is not None:
            alert.last_seen_at = now
            alert.message = message[:255]
            alert.save(update_fields=["last_seen_at", "message"])
            return alert, False
        alert = Alert.objects.create(
            house=house,
            sensor=sensor,
            kind=kind,
            message=message[:255],
            opened_at=now,
            last_seen_at=now,
            area_path=house.park.area_path,
        )
        audit.record(actor=None, action="greenhouse.alert", obj=alert, note=message)
    return alert, True


def alerts_close(*, house: House, kind: str, now: dt.datetime, sensor: Sensor | None = None) -> int:
    with transaction.atomic():
        closed = Alert.objects.filter(
            house=house, kind=kind, sensor=sensor, closed_at__isnull=True
        ).update(closed_at=now)
        if closed:
            audit.record(actor=None, action="greenhouse.alert_close", obj=house, note=kind)
    return closed


def alert_acknowledge(*, alert: Alert, actor: Any) -> Alert:
    _require_edit(actor, alert.area_path)
    with transaction.atomic():
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(actor=actor, action="greenhouse.alert_ack", obj=alert)
    return alert


def alert_mark_notified(*, alert: Alert) -> None:
    Alert.objects.filter(pk=alert.pk).update(notified=True)
