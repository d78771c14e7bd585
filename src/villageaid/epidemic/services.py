"""Writes to the epidemic module. Keyword-only, atomic, audited.

Privacy by design: villagers passing the gate are not named; outsiders give a
name and phone; ID numbers are encrypted; every health record carries the
version of the notice shown at collection; :func:`epidemic_purge` deletes
personal health data after its retention period and keeps anonymous counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, roles
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.epidemic.models import (
    FEVER,
    Checkpoint,
    DailyGateCount,
    DisinfectionLog,
    EpidemicCase,
    GateAlert,
    GuardShift,
    Item,
    ParkWorker,
    Passage,
    PurgeLog,
    RetentionSetting,
    RoadClosure,
    Round,
    SupplyMovement,
    SupplyStock,
    TemperatureRound,
    VillageClosure,
    WorkShift,
)

log = logging.getLogger(__name__)
LOWEST, HIGHEST = bounds.BODY_TEMPERATURE.low, bounds.BODY_TEMPERATURE.high


def _require_edit(actor: Any, area_path: str) -> None:
    """The service's own check of the actor's role and area (the views check first);
    ``None`` is the system itself (a task, a command, the demo)."""
    if actor is not None:
        access.check_row(actor, roles.Module.EPIDEMIC, roles.EDIT, area_path)


def parse_temperature(value: Any) -> Decimal:
    """A body temperature in °C to one decimal, or a ServiceError."""
    try:
        temperature = Decimal(str(value).strip())
        if temperature.is_finite():
            temperature = temperature.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("体温格式不对，例如 36.5"), code="temperature_format") from None
    if not temperature.is_finite() or not LOWEST <= temperature <= HIGHEST:
        raise ServiceError(_("体温应在 34.0 到 43.0 ℃ 之间"), code="temperature_range")
    return temperature


def township_of(village: Area) -> Area | None:
    area: Area | None = village
    while area is not None and area.level != "township":
        area = area.parent
    return area


def _alert(
    *, village: Area, kind: str, message: str, actor: Any, at: dt.datetime | None = None
) -> GateAlert:
    """An in-app alert to the village and its township (both see it on their landing page)."""
    alert = GateAlert.objects.create(
        village=village,
        area_path=village.path,
        kind=kind,
        township=township_of(village),
        message=message[:255],
        raised_at=at or timezone.now(),
    )
    audit.record(actor=actor, action="epidemic.alert", obj=alert, area=village, note=kind)
    transaction.on_commit(lambda: log.warning("gate alert %s: %s", kind, alert.message))
    return alert


# --- checkpoints -------------------------------------------------------------


def checkpoint_create(*, village: Area, name: str, location: str = "", actor: Any) -> Checkpoint:
    _require_edit(actor, village.path)
    with transaction.atomic():
        checkpoint = Checkpoint.objects.create(
            village=village, area_path=village.path, name=name, location=location
        )
        audit.record(actor=actor, action="epidemic.checkpoint", obj=checkpoint, area=village)
    return checkpoint


def road_closure_record(
    *,
    village: Area,
    road: str,
    blocked_by: str,
    since: dt.date,
    until: dt.date | None = None,
    actor: Any,
) -> RoadClosure:
    _require_edit(actor, village.path)
    bounds.ensure(bounds.check_planned_date, since)
    bounds.ensure(bounds.check_planned_date, until)
    with transaction.atomic():
        closure = RoadClosure.objects.create(
            village=village,
            area_path=village.path,
            road=road,
            blocked_by=blocked_by,
            since=since,
            until=until,
        )
        audit.record(actor=actor, action="epidemic.road_closure", obj=closure, area=village)
    return closure


def guard_shift_add(
    *, checkpoint: Checkpoint, guard: str, starts_at: dt.datetime, ends_at: dt.datetime, actor: Any
) -> GuardShift:
    _require_edit(actor, checkpoint.area_path)
    if ends_at <= starts_at:
        raise ServiceError(_("结束时间应晚于开始时间"), code="shift_times")
    for moment in (starts_at, ends_at):
        bounds.ensure(bounds.check_planned_date, moment.date())
    with transaction.atomic():
        shift = GuardShift.objects.create(
            village=checkpoint.village,
            area_path=checkpoint.area_path,
            checkpoint=checkpoint,
            guard=guard,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        audit.record(actor=actor, action="epidemic.guard_shift", obj=shift, area=checkpoint.village)
    return shift


# --- the passage log ---------------------------------------------------------


def passage_record(
    *,
    checkpoint: Checkpoint,
    party: str,
    direction: str,
    temperature: Any = None,
    kind: str = Passage.Kind.PERSON,
    at: dt.datetime | None = None,
    travel_history: str = "",
    health_code: str = "",
    plate: str = "",
    vehicle_disinfected: bool = False,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    closure_exception: str = "",
    client_token: str | None = None,
    actor: Any,
) -> Passage:
    """One person or vehicle through the gate. A temperature of 37.3 °C or
    above refuses passage and alerts the township; a red health code refuses
    entry; while the village is closed (封村) a non-resident is refused entry unless an
    exception (supplies delivery, ...) is recorded with a name and phone. A repeated
    ``client_token`` (a re-sent form) returns the first row."""
    _require_edit(actor, checkpoint.area_path)
    if client_token:
        existing = Passage.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    _check_choice(party, Passage.Party.values, "party")
    _check_choice(direction, Passage.Direction.values, "direction")
    _check_choice(kind, Passage.Kind.values, "kind")
    if health_code:
        _check_choice(health_code, Passage.CodeColour.values, "health_code")
    reading = None if temperature in (None, "") else parse_temperature(temperature)
    bounds.ensure(bounds.check_past_datetime, at)  # a gate record of the future escapes the purge
    if reading is None and kind == Passage.Kind.PERSON and direction == Passage.Direction.IN:
        raise ServiceError(_("进村人员必须测体温"), code="temperature_required")
    fever = reading is not None and reading >= FEVER
    refused = fever or (direction == Passage.Direction.IN and health_code == "red")
    outsider = party == Passage.Party.OUTSIDER
    closure = VillageClosure.objects.filter(
        village_id=checkpoint.village_id, ended_at__isnull=True
    ).first()
    entering_closed = closure is not None and outsider and direction == Passage.Direction.IN
    if closure_exception:
        _check_choice(closure_exception, Passage.Exemption.values, "closure_exception")
        if not entering_closed:
            closure_exception = ""
        elif not (name.strip() and phone.strip()):
            raise ServiceError(
                gettext("封村期间例外进村须登记姓名和电话"), code="exception_contact"
            )
    refused = refused or (entering_closed and not closure_exception)
    at = at or timezone.now()
    passage = Passage(
        village=checkpoint.village,
        area_path=checkpoint.area_path,
        checkpoint=checkpoint,
        at=at,
        day=timezone.localdate(at),
        kind=kind,
        party=party,
        direction=direction,
        temperature=reading,
        decision=Passage.Decision.REFUSED if refused else Passage.Decision.ADMITTED,
        travel_history=travel_history.strip()[:200],
        health_code=health_code,
        plate=plate.strip().upper()[:16] if kind == Passage.Kind.VEHICLE else "",
        vehicle_disinfected=vehicle_disinfected and kind == Passage.Kind.VEHICLE,
        # minimal fields: villagers are known to the gate and are not named
        name=name.strip()[:50] if outsider else "",
        phone=phone.strip()[:11] if outsider else "",
        closure=closure,
        closure_exception=closure_exception,
        client_token=client_token or None,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if id_number and outsider:
        passage.set_id_number(id_number)
    with transaction.atomic():
        try:
            with transaction.atomic():  # savepoint: a duplicate token must not spoil the rest
                passage.save()
        except IntegrityError:  # the same form sent twice at once: the other one won
            if client_token and Passage.objects.filter(client_token=client_token).exists():
                return Passage.objects.get(client_token=client_token)
            raise
        audit.record(
            actor=actor,
            action="epidemic.passage",
            obj=passage,
            area=checkpoint.village,
            after={
                "decision": passage.decision,
                "direction": direction,
                "party": party,
                "closed": closure is not None,
                "exception": closure_exception,
            },
        )
        if fever:
            _alert(
                village=checkpoint.village,
                kind=GateAlert.Kind.FEVER,
                message=f"{checkpoint.name} {timezone.localtime(at):%m-%d %H:%M} "
                f"{passage.get_party_display()}体温 {reading}℃，已禁止通行",
                actor=actor,
                at=at,
            )
    return passage


def _check_choice(value: str, allowed: Iterable[str], field: str) -> None:
    if value not in allowed:
        raise ServiceError(
            _("%(field)s 取值无效: %(value)s") % {"field": field, "value": value},
            code=f"invalid_{field}",
        )


def passages_bulk_record(
    *, checkpoint: Checkpoint, rows: list[dict[str, Any]], actor: Any
) -> list[Passage]:
    """Rows of a paper ledger (already parsed), all or nothing."""
    _require_edit(actor, checkpoint.area_path)
    with transaction.atomic():
        return [passage_record(checkpoint=checkpoint, actor=actor, **row) for row in rows]


# --- the park's workers ------------------------------------------------------


def worker_register(
    *,
    village: Area,
    name: str,
    phone: str = "",
    local_resident: bool,
    no_outside_travel: bool,
    no_contact_history: bool,
    attestation_signed: bool,
    attestation_file: Any = None,
    actor: Any,
) -> ParkWorker:
    _require_edit(actor, village.path)
    if not name.strip():
        raise ServiceError(_("请填写姓名"), code="worker_name")
    worker = ParkWorker(
        village=village,
        area_path=village.path,
        name=name.strip()[:50],
        phone=phone.strip()[:11],
        local_resident=local_resident,
        no_outside_travel=no_outside_travel,
        no_contact_history=no_contact_history,
        attestation_signed=attestation_signed,
    )
    if attestation_file:
        worker.attestation_file = attestation_file
    with transaction.atomic():
        worker.save()
        audit.record(
            actor=actor,
            action="epidemic.worker_register",
            obj=worker,
            area=village,
            after={"eligible": worker.eligible},
        )
    return worker


def worker_exclude(*, worker: ParkWorker, reason: str, actor: Any) -> ParkWorker:
    _require_edit(actor, worker.area_path)
    with transaction.atomic():
        worker.excluded, worker.excluded_reason = True, reason[:200]
        worker.excluded_at = timezone.now()
        worker.save(update_fields=["excluded", "excluded_reason", "excluded_at"])
        audit.record(
            actor=actor,
            action="epidemic.worker_exclude",
            obj=worker,
            area=worker.village,
            note=reason,
        )
    return worker


def temperature_round_record(
    *,
    worker: ParkWorker,
    date: dt.date,
    round: str,
    temperature: Any,
    at: dt.datetime | None = None,
    actor: Any,
) -> TemperatureRound:
    """A worker's morning or afternoon reading; at or above 37.3 °C the worker
    is excluded from work and the township is alerted. Re-entering corrects it."""
    _require_edit(actor, worker.area_path)
    _check_choice(round, Round.values, "round")
    bounds.ensure(bounds.check_past_date, date)
    bounds.ensure(bounds.check_past_datetime, at)
    reading = parse_temperature(temperature)
    with transaction.atomic():
        row, _created = TemperatureRound.objects.update_or_create(
            worker=worker,
            date=date,
            round=round,
            defaults={
                "village": worker.village,
                "area_path": worker.area_path,
                "temperature": reading,
                "at": at or timezone.now(),
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit.record(actor=actor, action="epidemic.temperature_round", obj=row, area=worker.village)
        if reading >= FEVER:
            worker_exclude(worker=worker, reason=f"{date} {round} 体温 {reading}℃", actor=actor)
            _alert(
                village=worker.village,
                kind=GateAlert.Kind.WORKER_FEVER,
                message=f"园区工人 {date} {Round(round).label}体温 {reading}℃，已停工",
                actor=actor,
                at=at,
            )
    return row


def missed_rounds_alert(*, village: Area, date: dt.date, round: str, actor: Any) -> int:
    """Alert once per village, day and round for eligible workers not measured."""
    _require_edit(actor, village.path)
    from villageaid.epidemic import selectors

    missing = selectors.workers_missing_round(village_path=village.path, date=date, round=round)
    if not missing:
        return 0
    message = f"{date} {Round(round).label}测温漏测 {len(missing)} 人"
    with transaction.atomic():
        if not GateAlert.objects.filter(
            area_path=village.path, kind=GateAlert.Kind.MISSED_ROUND, message=message
        ).exists():
            _alert(village=village, kind=GateAlert.Kind.MISSED_ROUND, message=message, actor=actor)
    return len(missing)


def work_shift_record(
    *,
    village: Area,
    date: dt.date,
    round: str,
    workers: Iterable[ParkWorker],
    harvests: Iterable[Any] = (),
    actor: Any,
) -> WorkShift:
    """The workers of a half-day, linked to the harvest of that shift."""
    _require_edit(actor, village.path)
    bounds.ensure(bounds.check_past_date, date)
    workers = list(workers)
    ineligible = [w.name for w in workers if not w.eligible]
    if ineligible:
        raise ServiceError(
            _("不符合上岗条件: %(names)s") % {"names": "、".join(ineligible)},
            code="worker_ineligible",
        )
    with transaction.atomic():
        shift, _created = WorkShift.objects.get_or_create(
            village=village, date=date, round=round, defaults={"area_path": village.path}
        )
        shift.workers.add(*workers)
        shift.harvests.add(*harvests)
        audit.record(actor=actor, action="epidemic.work_shift", obj=shift, area=village)
    return shift


# --- disinfection ------------------------------------------------------------


def disinfection_record(
    *,
    village: Area,
    place: str,
    agent: str,
    phase: str,
    done_by: str,
    at: dt.datetime | None = None,
    actor: Any,
) -> DisinfectionLog:
    _require_edit(actor, village.path)
    _check_choice(phase, DisinfectionLog.Phase.values, "phase")
    if not (place.strip() and agent.strip() and done_by.strip()):
        raise ServiceError(_("请填写区域、消毒剂和消毒人"), code="disinfection_fields")
    bounds.ensure(bounds.check_past_datetime, at)
    at = at or timezone.now()
    with transaction.atomic():
        row = DisinfectionLog.objects.create(
            village=village,
            area_path=village.path,
            place=place.strip(),
            agent=agent.strip(),
            phase=phase,
            done_by=done_by.strip(),
            at=at,
            day=timezone.localdate(at),
        )
        audit.record(actor=actor, action="epidemic.disinfection", obj=row, area=village)
    return row


# --- supplies ----------------------------------------------------------------


def _locked_stock(village: Area, item: str) -> SupplyStock:
    _check_choice(item, Item.values, "item")
    SupplyStock.objects.get_or_create(
        village=village, item=item, defaults={"area_path": village.path}
    )
    return SupplyStock.objects.select_for_update().get(village=village, item=item)


def supplies_receive(
    *,
    village: Area,
    item: str,
    quantity: int,
    source: str,
    at: dt.datetime | None = None,
    actor: Any,
) -> SupplyMovement:
    _require_edit(actor, village.path)
    if quantity <= 0:
        raise ServiceError(_("数量必须大于零"), code="quantity")
    bounds.ensure(bounds.ITEM_COUNT, quantity)
    bounds.ensure(bounds.check_past_datetime, at)
    at = at or timezone.now()
    with transaction.atomic():
        stock = _locked_stock(village, item)
        SupplyStock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
        row = SupplyMovement.objects.create(
            village=village,
            area_path=village.path,
            item=item,
            kind=SupplyMovement.Kind.RECEIPT,
            quantity=quantity,
            party=source,
            at=at,
            day=timezone.localdate(at),
        )
        audit.record(actor=actor, action="epidemic.supplies_receive", obj=row, area=village)
    return row


def supplies_hand_out(
    *,
    village: Area,
    item: str,
    quantity: int,
    to: str,
    is_team: bool = False,
    by: str = "",
    at: dt.datetime | None = None,
    actor: Any,
) -> SupplyMovement:
    """Hand out from the village's stock; the stock row is locked so two
    volunteers handing out at once can never take it below zero."""
    _require_edit(actor, village.path)
    if quantity <= 0:
        raise ServiceError(_("数量必须大于零"), code="quantity")
    bounds.ensure(bounds.ITEM_COUNT, quantity)
    bounds.ensure(bounds.check_past_datetime, at)
    if not to.strip():
        raise ServiceError(_("请填写领取人或班组"), code="handout_to")
    at = at or timezone.now()
    with transaction.atomic():
        stock = _locked_stock(village, item)
        if stock.quantity < quantity:
            raise Conflict(
                _("%(item)s库存不足：剩 %(left)s，要发 %(asked)s")
                % {"item": stock.get_item_display(), "left": stock.quantity, "asked": quantity},
                code="out_of_stock",
            )
        SupplyStock.objects.filter(pk=stock.pk).update(quantity=F("quantity") - quantity)
        row = SupplyMovement.objects.create(
            village=village,
            area_path=village.path,
            item=item,
            kind=SupplyMovement.Kind.HANDOUT,
            quantity=quantity,
            party=to.strip()[:100],
            is_team=is_team,
            by=by.strip()[:50],
            at=at,
            day=timezone.localdate(at),
        )
        audit.record(
            actor=actor,
            action="epidemic.supplies_hand_out",
            obj=row,
            area=village,
            after={"item": item, "quantity": quantity},
        )
    return row


# --- cases and alerts --------------------------------------------------------


def case_record(
    *,
    village: Area,
    status: str,
    opened_on: dt.date,
    person_name: str = "",
    imported: bool = False,
    actor: Any,
) -> EpidemicCase:
    _require_edit(actor, village.path)
    _check_choice(status, EpidemicCase.Status.values, "status")
    bounds.ensure(bounds.check_past_date, opened_on)
    with transaction.atomic():
        case = EpidemicCase.objects.create(
            village=village,
            area_path=village.path,
            status=status,
            opened_on=opened_on,
            confirmed_on=opened_on if status == EpidemicCase.Status.CONFIRMED else None,
            person_name=person_name[:50],
            imported=imported,
        )
        audit.record(actor=actor, action="epidemic.case", obj=case, area=village, note=status)
    return case


def case_transition(*, case: EpidemicCase, status: str, on: dt.date, actor: Any) -> EpidemicCase:
    _require_edit(actor, case.area_path)
    _check_choice(status, EpidemicCase.Status.values, "status")
    bounds.ensure(bounds.check_past_date, on)
    before = case.status
    with transaction.atomic():
        case.status = status
        if status == EpidemicCase.Status.CONFIRMED and case.confirmed_on is None:
            case.confirmed_on = on
        if status == EpidemicCase.Status.RELEASED:
            case.closed_on = on
        case.save(update_fields=["status", "confirmed_on", "closed_on"])
        audit.record(
            actor=actor,
            action="epidemic.case_transition",
            obj=case,
            area=case.village,
            before={"status": before},
            after={"status": status},
        )
    return case


def alert_resolve(*, alert: GateAlert, actor: Any) -> GateAlert:
    _require_edit(actor, alert.area_path)
    with transaction.atomic():
        alert.resolved, alert.resolved_at = True, timezone.now()
        alert.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        alert.save(update_fields=["resolved", "resolved_at", "resolved_by"])
        audit.record(actor=actor, action="epidemic.alert_resolve", obj=alert, area=alert.village)
    return alert


# --- retention ---------------------------------------------------------------


def retention_days(record_type: str) -> int:
    row = RetentionSetting.objects.filter(record_type=record_type).first()
    if row is not None:
        return row.days
    return int(getattr(settings, "EPIDEMIC_RETENTION_DAYS", 28))


def retention_set(*, record_type: str, days: int, actor: Any) -> RetentionSetting:
    _check_choice(record_type, RetentionSetting.RecordType.values, "record_type")
    if days < 1:
        raise ServiceError(_("保存期限至少 1 天"), code="retention_days")
    bounds.ensure(bounds.DAYS, days)
    with transaction.atomic():
        row, _created = RetentionSetting.objects.update_or_create(
            record_type=record_type, defaults={"days": days}
        )
        audit.record(actor=actor, action="epidemic.retention", obj=row, after={"days": days})
    return row


def epidemic_purge(*, as_of: dt.date, actor: Any = None) -> PurgeLog:
    """Delete personal health data older than its retention period.

    Passages of a purged day are first added to :class:`DailyGateCount`, so every
    gate figure reads the same after the purge; case rows lose the person's
    name but keep status and dates; resolved alerts are deleted.
    """
    types = RetentionSetting.RecordType
    bounds.ensure(bounds.check_planned_date, as_of)
    cutoffs = {t: as_of - dt.timedelta(days=retention_days(t)) for t in types.values}
    with transaction.atomic():
        old = Passage.objects.filter(day__lt=cutoffs[types.PASSAGE])
        counted = _count_passages(old)
        passages, _ = old.delete()
        rounds, _ = TemperatureRound.objects.filter(
            date__lt=cutoffs[types.TEMPERATURE_ROUND]
        ).delete()
        cases = (
            EpidemicCase.objects.filter(anonymised=False, opened_on__lt=cutoffs[types.CASE])
            .exclude(status__in=[EpidemicCase.Status.SUSPECTED, EpidemicCase.Status.QUARANTINED])
            .update(person_name="", anonymised=True)
        )
        alerts, _ = GateAlert.objects.filter(
            resolved=True, raised_at__date__lt=cutoffs[types.ALERT]
        ).delete()
        workers = _anonymise_idle_workers(cutoffs[types.WORKER])
        returnees = _anonymise_released_returnees(cutoffs[types.RETURNEE])
        counts = {
            "returnees_anonymised": returnees,
            "passages": passages,
            "days_counted": counted,
            "temperature_rounds": rounds,
            "cases_anonymised": cases,
            "alerts": alerts,
            "workers_anonymised": workers,
        }
        purge = PurgeLog.objects.create(
            as_of=as_of,
            cutoffs={k: v.isoformat() for k, v in cutoffs.items()},
            counts=counts,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(actor=actor, action="epidemic.purge", obj=purge, after=counts)
    return purge


def _anonymise_released_returnees(cutoff: dt.date) -> int:
    """Returnees released before ``cutoff`` lose name, phone, ID number and origin, and
    their daily checks are deleted; the row keeps the dates of the observation."""
    from villageaid.epidemic.models import Returnee, ReturneeCheck

    done = Returnee.objects.filter(
        anonymised=False, status=Returnee.Status.RELEASED, released_on__lt=cutoff
    )
    ReturneeCheck.objects.filter(returnee__in=done).delete()
    return done.update(
        name="", phone="", origin="", id_cipher="", id_hash="", id_masked="", anonymised=True
    )


def _anonymise_idle_workers(cutoff: dt.date) -> int:
    """Workers with no round and no shift since ``cutoff`` lose name, phone,
    attestation scan and health flags; their shifts keep an anonymous row."""
    recent_round = TemperatureRound.objects.filter(worker=OuterRef("pk"), date__gte=cutoff)
    recent_shift = WorkShift.objects.filter(workers=OuterRef("pk"), date__gte=cutoff)
    idle = (
        ParkWorker.objects.filter(anonymised=False, created_at__date__lt=cutoff)
        .exclude(Exists(recent_round))
        .exclude(Exists(recent_shift))
    )
    for worker in idle.exclude(attestation_file=""):
        worker.attestation_file.delete(save=False)
    return idle.update(
        name="",
        phone="",
        attestation_file="",
        excluded_reason="",
        local_resident=False,
        no_outside_travel=False,
        no_contact_history=False,
        attestation_signed=False,
        anonymised=True,
    )


def _count_passages(passages: Any) -> int:
    """Add the passages' anonymous counts to the daily table; returns the days touched."""
    from villageaid.epidemic import selectors

    days = 0
    for key, values in selectors.passage_counts_by_day(passages).items():
        checkpoint_id, date = key
        row, _created = DailyGateCount.objects.select_for_update().get_or_create(
            checkpoint_id=checkpoint_id,
            date=date,
            defaults={"village_id": values.pop("village_id"), "area_path": values.pop("area_path")},
        )
        values.pop("village_id", None)
        values.pop("area_path", None)
        DailyGateCount.objects.filter(pk=row.pk).update(
            **{field: F(field) + count for field, count in values.items()}
        )
        days += 1
    return days
