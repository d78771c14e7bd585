"""What the chain learns flows back to the household: dated, sourced figures.

A verified income (the home-verification form), a visit's answers (members at home, at
work, ill, at school; housing and water) and a measure's effect are recorded as
``HouseholdFigure`` rows. The current value of a kind is the most trusted source's latest
figure (入户核实 over 帮扶措施 over 走访 over 名册); a figure of another source that
disagrees is reported as a conflict, not overwritten. The verified net income is also the
household's ``net_income_12m``, the column the screening snapshot and the lists read.

``household_figure_record`` is the write (atomic, audited); ``household_figures`` and
``verified_income_households`` are the reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.core import audit
from villageaid.core.errors import ServiceError
from villageaid.registry.models import Household, HouseholdFigure

Source = HouseholdFigure.Source
KINDS: dict[str, str] = {
    "net_income": "家庭年纯收入（元）",
    "members_at_home": "在家人数",
    "working_members": "务工就业人数",
    "ill_members": "患病人数",
    "pupils": "在校生人数",
    "housing_safe": "住房安全",
    "water_ok": "饮水安全",
    "measure_income": "帮扶措施增收（元）",
}
YES_NO_KINDS = {"housing_safe", "water_ok"}
TRUST: dict[str, int] = {"verification": 3, "measure": 2, "visit": 1, "roster": 0}
LIMITS = {"net_income": Decimal("99999999"), "measure_income": Decimal("9999999")}
COUNT_LIMIT = Decimal(99)


def _checked(kind: str, value: Decimal, as_of: dt.date) -> Decimal:
    if kind not in KINDS:
        raise ServiceError(_("未知的项目"), code="bad_kind")
    if as_of > dt.date.today():
        raise ServiceError(_("日期不能晚于今天"), code="future_date")
    limit = LIMITS.get(kind, Decimal(1) if kind in YES_NO_KINDS else COUNT_LIMIT)
    low = -limit if kind == "net_income" else Decimal(0)
    if not value.is_finite() or not low <= value <= limit:
        raise ServiceError(_("%(item)s超出范围") % {"item": KINDS[kind]}, code="out_of_range")
    return value.quantize(Decimal("0.01"))


def household_figure_record(
    *,
    household: Household,
    kind: str,
    value: Decimal | int,
    source: str,
    source_ref: str,
    as_of: dt.date,
    actor: Any,
) -> HouseholdFigure:
    """Record one figure (once per source record); a verified net income also becomes the
    household's ``net_income_12m`` when it is the current one."""
    amount = _checked(kind, Decimal(value), as_of)
    if source not in Source.values:
        raise ServiceError(_("未知的来源"), code="bad_source")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        row, _created = HouseholdFigure.objects.update_or_create(
            household=household,
            kind=kind,
            source=source,
            source_ref=source_ref[:64],
            defaults={"value": amount, "as_of": as_of, "recorded_by": user},
        )
        if kind == "net_income":
            _follow_current_income(household)
        audit.record(
            actor=actor,
            action="registry.figure.record",
            obj=row,
            area=household.village,
            after={"kind": kind, "value": str(amount), "source": source, "as_of": str(as_of)},
            note=source_ref,
        )
    return row


def _follow_current_income(household: Household) -> None:
    current = current_figure(household, "net_income")
    if current is not None and household.net_income_12m != current.value:
        Household.objects.filter(pk=household.pk).update(net_income_12m=current.value)
        household.net_income_12m = current.value


def _rank(row: HouseholdFigure) -> tuple[int, dt.date, int]:
    return (TRUST.get(row.source, 0), row.as_of, row.pk)


def current_figure(household: Household, kind: str) -> HouseholdFigure | None:
    rows = list(HouseholdFigure.objects.filter(household=household, kind=kind))
    return max(rows, key=_rank, default=None)


@dataclass(frozen=True)
class Shown:
    kind: str
    label: str
    current: HouseholdFigure
    conflicts: list[HouseholdFigure]


def household_figures(household: Household) -> list[Shown]:
    """Each kind's current figure with its source and date, and the latest figure of every
    other source that disagrees with it (a conflict to resolve, shown side by side)."""
    by_kind: dict[str, list[HouseholdFigure]] = {}
    for row in HouseholdFigure.objects.filter(household=household).select_related("recorded_by"):
        by_kind.setdefault(row.kind, []).append(row)
    shown = []
    for kind, label in KINDS.items():
        rows = by_kind.get(kind)
        if not rows:
            continue
        current = max(rows, key=_rank)
        latest: dict[str, HouseholdFigure] = {}
        for row in sorted(rows, key=_rank):
            latest[row.source] = row
        conflicts = [
            r for s, r in latest.items() if s != current.source and r.value != current.value
        ]
        shown.append(Shown(kind, label, current, conflicts))
    return shown


def verified_income_households(*, area_path: str, start: dt.date, end: dt.date) -> int:
    """Households whose income was verified at home in the period (the scorecard)."""
    rows = HouseholdFigure.objects.filter(
        household__area_path__startswith=area_path,
        kind="net_income",
        source=Source.VERIFICATION,
        as_of__range=(start, end),
    )
    return int(rows.values("household").distinct().count())


def income_record_verified(
    *, household: Household, period_end: dt.date, components: dict[str, Decimal], actor: Any
) -> Any:
    """The income worksheet of a home verification, by component (R-INC-1)."""
    from villageaid.registry.models import IncomeRecord

    allowed = {"wage", "business", "property_income", "transfer", "production_costs"}
    if set(components) - allowed:
        raise ServiceError(_("未知的收入项目"), code="bad_income")
    for amount in components.values():
        if not Decimal(amount).is_finite() or not 0 <= Decimal(amount) <= LIMITS["net_income"]:
            raise ServiceError(_("收入金额超出范围"), code="out_of_range")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        record, _created = IncomeRecord.objects.update_or_create(
            household=household,
            period_end=period_end,
            defaults={**components, "recorded_by": user},
        )
        record.refresh_from_db()
        audit.record(
            actor=actor, action="registry.income.record", obj=record, area=household.village
        )
    return record


def verified_income_codes(codes: list[str]) -> set[str]:
    """Of these household codes, those whose income was verified at home (a roster
    re-import does not overwrite their net income; its value is kept as a roster figure)."""
    rows = HouseholdFigure.objects.filter(
        household__code__in=codes, kind="net_income", source=Source.VERIFICATION
    )
    return set(rows.values_list("household__code", flat=True))
