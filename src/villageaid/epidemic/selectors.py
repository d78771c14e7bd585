"""Reads of the epidemic module, scoped through core.access, and the figures
the scorecard needs (computed from the records plus the anonymous daily counts
left by the purge, so a purge never changes them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from villageaid.core import access, clock, roles
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
    RoadClosure,
    SupplyMovement,
    SupplyStock,
    TemperatureRound,
)

MODULE = roles.Module.EPIDEMIC


def scoped(model: Any, user: Any, action: str = roles.VIEW) -> QuerySet[Any]:
    return access.scope(model.objects.all(), user, MODULE, action, area_path="area_path")


def get(model: Any, user: Any, pk: int, action: str = roles.VIEW) -> Any:
    return access.get_for(
        model.objects.select_related("village"),
        user,
        MODULE,
        action,
        area_path="area_path",
        pk=pk,
    )


def checkpoints_for(user: Any) -> QuerySet[Checkpoint]:
    return scoped(Checkpoint, user).filter(active=True).select_related("village")


def passages_for(user: Any, *, day: dt.date | None = None) -> QuerySet[Passage]:
    rows = scoped(Passage, user).select_related("checkpoint")
    return rows.filter(day=day) if day else rows


def workers_for(user: Any) -> QuerySet[ParkWorker]:
    return scoped(ParkWorker, user).filter(anonymised=False).select_related("village")


def alerts_for(user: Any, *, open_only: bool = False) -> QuerySet[GateAlert]:
    rows = scoped(GateAlert, user).select_related("village")
    return rows.filter(resolved=False) if open_only else rows


def stock_for(user: Any) -> QuerySet[SupplyStock]:
    return scoped(SupplyStock, user).select_related("village")


def ledger_for(user: Any) -> QuerySet[SupplyMovement]:
    return scoped(SupplyMovement, user).select_related("village")


def disinfections_for(user: Any) -> QuerySet[DisinfectionLog]:
    return scoped(DisinfectionLog, user).select_related("village")


def closures_for(user: Any) -> QuerySet[RoadClosure]:
    return scoped(RoadClosure, user).select_related("village")


def guard_shifts_for(user: Any, *, since: dt.datetime) -> QuerySet[GuardShift]:
    return scoped(GuardShift, user).filter(ends_at__gte=since).select_related("checkpoint")


def cases_for(user: Any) -> QuerySet[EpidemicCase]:
    return scoped(EpidemicCase, user).select_related("village")


def rounds_on(user: Any, date: dt.date, round: str) -> dict[int, TemperatureRound]:
    rows = scoped(TemperatureRound, user).filter(date=date, round=round)
    return {r.worker_id: r for r in rows}


def workers_missing_round(*, village_path: str, date: dt.date, round: str) -> list[ParkWorker]:
    measured = TemperatureRound.objects.filter(date=date, round=round).values("worker_id")
    rows = ParkWorker.objects.filter(
        area_path__startswith=village_path, excluded=False, anonymised=False
    ).exclude(pk__in=measured)
    return [w for w in rows if w.eligible]


def disinfection_missing(user: Any, day: dt.date) -> list[str]:
    """Phases (before/after group work) with no entry today, for the reminder card."""
    done = set(disinfections_for(user).filter(day=day).values_list("phase", flat=True))
    return [str(p.label) for p in DisinfectionLog.Phase if p.value not in done]


def passage_counts_by_day(passages: QuerySet[Passage]) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Anonymous counts per (checkpoint, day), in the shape of DailyGateCount."""
    rows = passages.values("checkpoint_id", "day", "village_id", "area_path").annotate(
        passages_in=Count("pk", filter=Q(direction="in")),
        passages_out=Count("pk", filter=Q(direction="out")),
        refused=Count("pk", filter=Q(decision="refused")),
        fevers=Count("pk", filter=Q(temperature__gte=FEVER)),
        villagers=Count("pk", filter=Q(party="villager")),
        outsiders=Count("pk", filter=Q(party="outsider")),
        vehicles=Count("pk", filter=Q(kind="vehicle")),
    )
    return {(r.pop("checkpoint_id"), r.pop("day")): r for r in rows}


GATE_FIELDS = ("passages_in", "passages_out", "refused", "fevers", "villagers", "outsiders")


def gate_totals(*, area_path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """Gate counts in ``[start, end]`` from live passages plus purged days."""
    live = Passage.objects.filter(area_path__startswith=area_path, day__range=(start, end))
    totals = dict.fromkeys(GATE_FIELDS, 0)
    for values in passage_counts_by_day(live).values():
        for field in GATE_FIELDS:
            totals[field] += values[field]
    kept = DailyGateCount.objects.filter(
        area_path__startswith=area_path, date__range=(start, end)
    ).aggregate(**{f: Sum(f) for f in GATE_FIELDS})
    for field in GATE_FIELDS:
        totals[field] += kept[field] or 0
    totals["passages"] = totals["passages_in"] + totals["passages_out"]
    return totals


def masks_distributed(*, area_path: str, start: dt.date, end: dt.date) -> int:
    handed = SupplyMovement.objects.filter(
        area_path__startswith=area_path,
        item=Item.MASK,
        kind=SupplyMovement.Kind.HANDOUT,
        day__range=(start, end),
    ).aggregate(total=Sum("quantity"))
    return int(handed["total"] or 0)


def infections(*, area_path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    confirmed = EpidemicCase.objects.filter(
        area_path__startswith=area_path, confirmed_on__range=(start, end)
    )
    return {
        "infections": confirmed.count(),
        "imported_cases": confirmed.filter(imported=True).count(),
    }


def figures(*, area_path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """What the scorecard reads: masks, passages, fevers, infections."""
    gate = gate_totals(area_path=area_path, start=start, end=end)
    return {
        "masks_distributed": masks_distributed(area_path=area_path, start=start, end=end),
        "passages": gate["passages"],
        "passages_refused": gate["refused"],
        "fevers": gate["fevers"],
        "villager_passages": gate["villagers"],
        "outsider_passages": gate["outsiders"],
        **infections(area_path=area_path, start=start, end=end),
    }


def today_summary(user: Any) -> dict[str, int]:
    """The gate volunteer's landing card: today's passages, fevers, missed rounds."""
    today = clock.today()
    passages = passages_for(user, day=today)
    now_round = "am" if timezone.localtime().hour < 12 else "pm"
    missed = 0
    for path in set(scoped(ParkWorker, user).values_list("area_path", flat=True)):
        missed += len(workers_missing_round(village_path=path, date=today, round=now_round))
    return {
        "passages": passages.count(),
        "fevers": passages.filter(temperature__gte=FEVER).count(),
        "missed_rounds": missed,
        "open_alerts": alerts_for(user, open_only=True).count(),
    }


# --- returnees and closed mode ---------------------------------------------------------------

# Roles that see a returnee's full name and phone: the village's own cadre and grid workers,
# who check on the person every day. The gate and every level above see them masked.
FULL_NAME_ROLES = frozenset({roles.Role.CADRE, roles.Role.GRID})


def sees_full_name(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "role", "") in FULL_NAME_ROLES)


def masked_name(name: str) -> str:
    """张三 → 张＊, 欧阳小明 → 欧＊＊明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "＊"
    return name[0] + "＊" * (len(name) - 2) + name[-1]


def masked_phone(phone: str) -> str:
    return phone[:3] + "＊＊＊＊" + phone[-4:] if len(phone) >= 8 else ("＊" * len(phone))


def returnees_for(user: Any, *, observing_only: bool = False) -> QuerySet[Any]:
    from villageaid.epidemic.models import Returnee

    rows = scoped(Returnee, user).filter(anonymised=False).select_related("village")
    rows = rows.prefetch_related("checks")
    return rows.filter(status=Returnee.Status.OBSERVING) if observing_only else rows


def returnee_rows(
    user: Any, today: dt.date, *, observing_only: bool = True
) -> list[dict[str, Any]]:
    """The observation list as the user may see it: names masked per role, ID numbers
    always masked, and each person's day, today's check and the days missed so far."""
    full = sees_full_name(user)
    rows = []
    for r in returnees_for(user, observing_only=observing_only):
        checks = {c.date: c for c in r.checks.all()}
        until = min(today, r.ends_on)  # the days before today, within the observation
        missed = [
            r.arrived_on + dt.timedelta(days=n)
            for n in range((until - r.arrived_on).days)
            if r.arrived_on + dt.timedelta(days=n) not in checks
        ]
        observing = r.status == r.Status.OBSERVING
        rows.append(
            {
                "returnee": r,
                "name": r.name if full else masked_name(r.name),
                "phone": r.phone if full else masked_phone(r.phone),
                "id_masked": r.id_masked,
                "day": min(r.day_number(today), r.observation_days),
                "today": checks.get(today),
                "missed": len(missed) if observing else 0,
                "due_today": observing and today < r.ends_on and today not in checks,
                "unwell": any(c.unwell for c in checks.values()),
                "releasable": observing and today >= r.ends_on,
            }
        )
    rows.sort(key=lambda x: (not x["unwell"], -x["missed"], not x["due_today"], x["returnee"].pk))
    return rows


def closures_in_force(user: Any) -> QuerySet[Any]:
    from villageaid.epidemic.models import VillageClosure

    return scoped(VillageClosure, user).filter(ended_at__isnull=True).select_related("village")


def closure_history(user: Any) -> QuerySet[Any]:
    from villageaid.epidemic.models import VillageClosure

    return scoped(VillageClosure, user).select_related("village", "started_by", "ended_by")
