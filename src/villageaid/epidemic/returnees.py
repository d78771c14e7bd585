"""Returnees under observation and the village's closed mode (封村): the writes.

Keyword-only, atomic, audited; each checks the actor's role and area itself. The number
of observation days is read from the policy version in force for the village on the day
of return (``epidemic.returnee_observation_days``), and stored with the version code and
its source on the returnee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, roles
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.epidemic.models import (
    GateAlert,
    Passage,
    Returnee,
    ReturneeCheck,
    Symptom,
    VillageClosure,
)
from villageaid.epidemic.services import _alert, _require_edit, parse_temperature

# The roles that switch a village's gate into closed mode and back (with the administrator).
CLOSURE_ROLES = frozenset({roles.Role.CADRE, roles.Role.TOWNSHIP})


def observation_rule(village: Area, on: dt.date) -> tuple[int, str, str]:
    """(days, policy version code, source) of the returnee observation in force."""
    from villageaid.policy.resolver import policy_for

    policy = policy_for(village, on)
    days = policy.value("epidemic", "returnee_observation_days")
    if not isinstance(days, int) or days < 1:
        raise ServiceError(
            _("政策版本 %(code)s 没有规定返乡观察天数，请先载入政策数据") % {"code": policy.code},
            code="no_observation_rule",
        )
    return days, policy.code, policy.source("epidemic", "returnee_observation_days")


def returnee_register(
    *,
    area: Area,
    name: str,
    origin: str,
    arrived_on: dt.date,
    phone: str = "",
    id_number: str = "",
    passage: Passage | None = None,
    actor: Any,
) -> Returnee:
    """Put a person back from elsewhere under observation from the day of return. ``area``
    is the village, or one of its grids (网格): the grid's workers then see the person too."""
    _require_edit(actor, area.path)
    village = area.parent if area.level == "grid" and area.parent is not None else area
    if village.level != "village":
        raise ServiceError(_("请选择村或网格"), code="returnee_area")
    bounds.ensure(bounds.check_past_date, arrived_on)
    if passage is not None and passage.area_path != village.path:
        raise ServiceError(_("这条卡口登记不属于本村"), code="passage_village")
    if not name.strip() or not origin.strip():
        raise ServiceError(_("请填写姓名和从何处返回"), code="returnee_fields")
    days, version, source = observation_rule(village, arrived_on)
    returnee = Returnee(
        village=village,
        area_path=area.path,
        name=name.strip()[:50],
        phone=phone.strip()[:11],
        origin=origin.strip()[:100],
        arrived_on=arrived_on,
        observation_days=days,
        policy_version=version,
        policy_source=source[:500],
        passage=passage,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if id_number.strip():
        try:
            returnee.set_id_number(id_number)
        except ValueError:
            raise ServiceError(_("证件号码格式不对"), code="id_number") from None
    with transaction.atomic():
        returnee.save()
        audit.record(
            actor=actor,
            action="epidemic.returnee_register",
            obj=returnee,
            area=village,
            after={"arrived_on": arrived_on.isoformat(), "days": days, "policy": version},
        )
    return returnee


def returnee_check(
    *,
    returnee: Returnee,
    date: dt.date,
    temperature: Any,
    symptoms: Iterable[str] = (),
    note: str = "",
    actor: Any,
) -> ReturneeCheck:
    """The day's temperature and symptoms; a fever or a symptom alerts the village and
    its township. Entering the same day again corrects it."""
    _require_edit(actor, returnee.area_path)
    bounds.ensure(bounds.check_past_date, date)
    if returnee.status != Returnee.Status.OBSERVING:
        raise Conflict(_("已解除观察，不再登记每日监测"), code="returnee_released")
    if date < returnee.arrived_on:
        raise ServiceError(_("监测日期早于返村日期"), code="check_before_arrival")
    reading = parse_temperature(temperature)
    found = sorted(set(symptoms))
    unknown = [s for s in found if s not in Symptom.values]
    if unknown:
        raise ServiceError(_("症状取值无效"), code="invalid_symptom")
    with transaction.atomic():
        row, _created = ReturneeCheck.objects.update_or_create(
            returnee=returnee,
            date=date,
            defaults={
                "village_id": returnee.village_id,
                "area_path": returnee.area_path,
                "temperature": reading,
                "symptoms": found,
                "note": note.strip()[:200],
                "at": timezone.now(),
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit.record(actor=actor, action="epidemic.returnee_check", obj=row, area=returnee.village)
        if row.unwell:
            _alert(
                village=returnee.village,
                kind=GateAlert.Kind.RETURNEE,
                message=_("返乡观察第 %(day)s 天：体温 %(t)s℃%(s)s，请核实并联系卫生院")
                % {
                    "day": returnee.day_number(date),
                    "t": reading,
                    "s": ("，" + "、".join(row.symptom_labels)) if found else "",
                },
                actor=actor,
            )
    return row


def release_refusal(returnee: Returnee, today: dt.date) -> str:
    """Why the returnee cannot be released today, or ``""``."""
    if returnee.status != Returnee.Status.OBSERVING:
        return _("已经解除观察")
    if today < returnee.ends_on:
        return _("观察期未满，不能提前解除：%(date)s 起可解除（还差 %(n)s 天）") % {
            "date": returnee.ends_on.isoformat(),
            "n": (returnee.ends_on - today).days,
        }
    checks = list(returnee.checks.all())
    if any(c.unwell for c in checks):
        return _("观察期内有发热或症状记录，不能解除，请交卫生院处置")
    last_day = returnee.ends_on - dt.timedelta(days=1)
    if not any(c.date >= last_day for c in checks):
        return _("观察期最后一天还没有健康监测记录，请先登记当天体温")
    return ""


def returnee_release(*, returnee: Returnee, on: dt.date, actor: Any) -> Returnee:
    """Release after the full period with no fever or symptom; early release is refused."""
    _require_edit(actor, returnee.area_path)
    bounds.ensure(bounds.check_past_date, on)
    with transaction.atomic():
        locked = Returnee.objects.select_for_update().get(pk=returnee.pk)
        refusal = release_refusal(locked, on)
        if refusal:
            raise Conflict(refusal, code="release_refused")
        locked.status, locked.released_on = Returnee.Status.RELEASED, on
        locked.released_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "released_on", "released_by"])
        audit.record(
            actor=actor,
            action="epidemic.returnee_release",
            obj=locked,
            area=locked.village,
            after={"released_on": on.isoformat()},
        )
    return locked


# --- closed mode -----------------------------------------------------------------------------


def _require_closure_role(actor: Any, village: Area) -> None:
    if actor is None:
        return
    _require_edit(actor, village.path)
    if not (actor.is_superuser or getattr(actor, "role", "") in CLOSURE_ROLES):
        raise PermissionDenied


def closure_for(village: Area | None) -> VillageClosure | None:
    """The village's closed mode in force, if any."""
    if village is None:
        return None
    return VillageClosure.objects.filter(village=village, ended_at__isnull=True).first()


def closure_start(
    *, village: Area, reason: str, starts_at: dt.datetime | None = None, actor: Any
) -> VillageClosure:
    """Switch the village's gates into closed mode (residents only)."""
    _require_closure_role(actor, village)
    if not reason.strip():
        raise ServiceError(_("请填写封村原因"), code="closure_reason")
    bounds.ensure(bounds.check_past_datetime, starts_at)
    try:
        with transaction.atomic():
            closure = VillageClosure.objects.create(
                village=village,
                area_path=village.path,
                reason=reason.strip()[:200],
                starts_at=starts_at or timezone.now(),
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(
                actor=actor,
                action="epidemic.closure_start",
                obj=closure,
                area=village,
                note=closure.reason,
            )
    except IntegrityError:
        raise Conflict(_("本村已经处于封村状态"), code="already_closed") from None
    return closure


def closure_end(*, closure: VillageClosure, note: str = "", actor: Any) -> VillageClosure:
    """Reopen the village (the closure row stays, with who reopened it and when)."""
    _require_closure_role(actor, closure.village)
    with transaction.atomic():
        locked = VillageClosure.objects.select_for_update().get(pk=closure.pk)
        if locked.ended_at is not None:
            raise Conflict(_("封村已经解除"), code="already_open")
        locked.ended_at = timezone.now()
        locked.ended_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.end_note = note.strip()[:200]
        locked.save(update_fields=["ended_at", "ended_by", "end_note"])
        audit.record(
            actor=actor,
            action="epidemic.closure_end",
            obj=locked,
            area=locked.village,
            note=locked.end_note,
        )
    return locked


def may_switch_closure(user: Any, village: Area) -> bool:
    return access.can(user, roles.Module.EPIDEMIC, roles.EDIT, village) and (
        user.is_superuser or getattr(user, "role", "") in CLOSURE_ROLES
    )
