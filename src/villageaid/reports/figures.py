"""The scorecard's figures, one small function each, registered in one place.

Every figure is computed from the records of its module for an area (its path
prefix) and an inclusive date range; nothing is typed in. ``reports`` reads
every app; no app imports ``reports``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from villageaid.core import units

Value = int | Decimal | float | None
Compute = Callable[[str, dt.date, dt.date], Value]

GROUPS = {
    "epidemic": _("抗疫保稳定"),
    "production": _("生产与销售"),
    "screening": _("排查与帮扶"),
    "pairing": _("结对走访"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: object
    group: str
    unit: object
    compute: Compute
    link: str = ""  # URL name of the records behind it


FIGURES: list[Figure] = []


def figure(
    key: str, label: object, group: str, unit: object = "", link: str = ""
) -> Callable[[Compute], Compute]:
    def register(func: Compute) -> Compute:
        FIGURES.append(Figure(key, label, group, unit, func, link))
        return func

    return register


def _jin(grams: int | None) -> Decimal:
    return units.jin(grams)


def _money(amount: Decimal | None) -> Decimal:
    return (amount or Decimal(0)).quantize(Decimal("0.01"))


# --- pairing and visits --------------------------------------------------------------------


def _met_visits(path: str, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    from villageaid.visits.models import Visit

    return Visit.objects.filter(
        area_path__startswith=path, outcome=Visit.Outcome.MET, visited_at__date__range=(start, end)
    )


@figure("households_visited", _("走访农户"), "screening", _("户"), "visits-coverage")
def households_visited(path: str, start: dt.date, end: dt.date) -> int:
    return _met_visits(path, start, end).values("household").distinct().count()


@figure("people_visited", _("走访群众"), "screening", _("人"), "visits-coverage")
def people_visited(path: str, start: dt.date, end: dt.date) -> int:
    return (
        _met_visits(path, start, end)
        .exclude(members_met=None)
        .values("members_met")
        .distinct()
        .count()
    )


@figure("tuopin_households_verified", _("核查脱贫户"), "screening", _("户"), "visits-coverage")
def tuopin_households_verified(path: str, start: dt.date, end: dt.date) -> int:
    visits = _met_visits(path, start, end).filter(
        tuopin_verified=True, household__household_type="tuopin"
    )
    return visits.values("household").distinct().count()


def _findings(path: str, start: dt.date, end: dt.date, kind: str):  # type: ignore[no-untyped-def]
    from villageaid.visits.models import Finding

    return Finding.objects.filter(
        area_path__startswith=path, kind=kind, found_on__range=(start, end)
    )


@figure("marginal_households_found", _("筛查出边缘户"), "screening", _("户"), "campaign-list")
def marginal_households_found(path: str, start: dt.date, end: dt.date) -> int:
    return _findings(path, start, end, "marginal").values("household").distinct().count()


@figure("suspected_problems", _("排查出疑似问题"), "screening", _("个"), "campaign-list")
def suspected_problems(path: str, start: dt.date, end: dt.date) -> int:
    return int(_findings(path, start, end, "suspected").count())


@figure(
    "party_members_80_visited", _("走访慰问80周岁以上老党员"), "pairing", _("名"), "party-visits"
)
def party_members_80_visited(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.visits.models import CondolenceVisit

    rows = CondolenceVisit.objects.filter(
        area_path__startswith=path, visited_on__range=(start, end)
    )
    members = set()
    for member_id, born, visited in rows.values_list(
        "member_id", "member__birth_date", "visited_on"
    ):
        age = visited.year - born.year - ((visited.month, visited.day) < (born.month, born.day))
        if age >= 80:
            members.add(member_id)
    return len(members)


# --- cases ---------------------------------------------------------------------------------


@figure("cases_opened", _("即时发现监测案件"), "screening", _("件"), "case-list")
def cases_opened(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.cases.models import Case

    return int(
        Case.objects.filter(area_path__startswith=path, opened_on__range=(start, end)).count()
    )


@figure("cases_assisted", _("落实帮扶措施的案件"), "screening", _("件"), "case-list")
def cases_assisted(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.cases.models import CaseMeasure

    measures = CaseMeasure.objects.filter(
        area_path__startswith=path, granted_on__range=(start, end)
    )
    return measures.exclude(status="planned").values("case").distinct().count()


@figure(
    "median_days_clue_to_decision", _("从发现到认定（中位天数）"), "screening", _("天"), "case-list"
)
def median_days_clue_to_decision(path: str, start: dt.date, end: dt.date) -> float | None:
    from villageaid.cases.models import Case

    rows = Case.objects.filter(area_path__startswith=path, decided_on__range=(start, end))
    pairs = rows.values_list("opened_on", "decided_on")
    days = [(decided - opened).days for opened, decided in pairs if decided is not None]
    return float(statistics.median(days)) if days else None


@figure("corrections_approved", _("数据更正（乡镇批准）"), "screening", _("件"), "corrections")
def corrections_approved(path: str, start: dt.date, end: dt.date) -> int:
    """Corrections of data that was simply wrong, counted apart from the chain's decisions."""
    from villageaid.cases.endings_selectors import corrections_approved as approved

    return approved(area_path=path, start=start, end=end)


@figure("households_income_verified", _("入户核实收入"), "screening", _("户"), "case-list")
def households_income_verified(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.registry.figures import verified_income_households

    return verified_income_households(area_path=path, start=start, end=end)


@figure("cases_relapsed", _("风险消除后返贫/再次致贫"), "screening", _("户"), "case-list")
def cases_relapsed(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.cases.models import Case

    rows = Case.objects.filter(
        area_path__startswith=path, relapse_of__isnull=False, opened_on__range=(start, end)
    )
    return int(rows.values("household").distinct().count())


@figure("clues_raised", _("部门比对预警线索"), "screening", _("条"), "screening-clue-list")
def clues_raised(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.screening.models import Clue

    return int(
        Clue.objects.filter(area_path__startswith=path, run__as_of__range=(start, end)).count()
    )


# --- epidemic ------------------------------------------------------------------------------


@figure("masks_distributed", _("发放医用口罩"), "epidemic", _("只"), "epidemic-supplies")
def masks_distributed(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.epidemic.selectors import masks_distributed as masks

    return masks(area_path=path, start=start, end=end)


@figure("infections", _("新冠感染"), "epidemic", _("例"), "epidemic-overview")
def infections(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.epidemic.selectors import infections as found

    return found(area_path=path, start=start, end=end)["infections"]


@figure("imported_cases", _("输入病例"), "epidemic", _("例"), "epidemic-overview")
def imported_cases(path: str, start: dt.date, end: dt.date) -> int:
    from villageaid.epidemic.selectors import infections as found

    return found(area_path=path, start=start, end=end)["imported_cases"]


# --- production and sales ------------------------------------------------------------------


@figure("harvest_jin", _("羊肚菌产量"), "production", _("斤"), "greenhouse-harvest")
def harvest_jin(path: str, start: dt.date, end: dt.date) -> Decimal:
    from villageaid.greenhouse.models import Harvest

    rows = Harvest.objects.filter(area_path__startswith=path, date__range=(start, end))
    return _jin(rows.aggregate(g=Sum("grams"))["g"])


def _sold(path: str, start: dt.date, end: dt.date, channel: str):  # type: ignore[no-untyped-def]
    from villageaid.sales.models import Order

    return Order.objects.filter(
        area_path__startswith=path,
        channel_id=channel,
        status__in=[Order.Status.PAID, Order.Status.DELIVERED],
        created_at__date__range=(start, end),
    )


@figure("livestream_jin", _("直播销售"), "production", _("斤"), "sales-today")
def livestream_jin(path: str, start: dt.date, end: dt.date) -> Decimal:
    return _jin(_sold(path, start, end, "livestream").aggregate(g=Sum("grams"))["g"])


@figure("livestream_yuan", _("直播销售额"), "production", _("元"), "sales-today")
def livestream_yuan(path: str, start: dt.date, end: dt.date) -> Decimal:
    return _money(_sold(path, start, end, "livestream").aggregate(a=Sum("amount"))["a"])


@figure("staff_purchase_jin", _("干部职工认购"), "production", _("斤"), "sales-today")
def staff_purchase_jin(path: str, start: dt.date, end: dt.date) -> Decimal:
    return _jin(_sold(path, start, end, "staff").aggregate(g=Sum("grams"))["g"])


@figure("staff_purchase_yuan", _("干部职工认购金额"), "production", _("元"), "sales-today")
def staff_purchase_yuan(path: str, start: dt.date, end: dt.date) -> Decimal:
    return _money(_sold(path, start, end, "staff").aggregate(a=Sum("amount"))["a"])


@figure("hotels_supplied", _("对接星级酒店"), "production", _("家"), "sales-today")
def hotels_supplied(path: str, start: dt.date, end: dt.date) -> int:
    return (
        _sold(path, start, end, "hotel")
        .exclude(customer=None)
        .values("customer")
        .distinct()
        .count()
    )


@figure("community_groups", _("对接小区购物群"), "production", _("个"), "sales-today")
def community_groups(path: str, start: dt.date, end: dt.date) -> int:
    return (
        _sold(path, start, end, "community").exclude(group=None).values("group").distinct().count()
    )


@figure("sales_yuan", _("销售总额"), "production", _("元"), "sales-today")
def sales_yuan(path: str, start: dt.date, end: dt.date) -> Decimal:
    from villageaid.sales.models import Order

    rows = Order.objects.filter(
        area_path__startswith=path,
        status__in=[Order.Status.PAID, Order.Status.DELIVERED],
        created_at__date__range=(start, end),
    )
    return _money(rows.aggregate(a=Sum("amount"))["a"])


@figure(
    "greenhouse_temp_in_band_pct",
    _("大棚气温在适宜范围内的时间"),
    "production",
    "%",
    "greenhouse-park",
)
def greenhouse_temp_in_band_pct(path: str, start: dt.date, end: dt.date) -> float | None:
    """Share of air-temperature readings inside the morel band (5–18 °C) in the period.

    Read from the 5-minute rollups, which outlive the raw readings (retention deletes those
    after ``GREENHOUSE_RAW_DAYS``; the yearly refresh recomputes every month), plus the raw
    readings not rolled up yet. A bucket wholly inside the band counts all its readings in,
    one wholly outside none; a bucket whose readings cross a band edge within its five
    minutes counts by its mean (the one approximation)."""
    from villageaid.greenhouse.models import Reading, ReadingRollup
    from villageaid.greenhouse.rollups import rolled_up_to
    from villageaid.greenhouse.stages import STAGES

    band = STAGES["fruiting"]
    low, high = band.temp_min_c, band.temp_max_c
    scope = {"sensor__house__park__area_path__startswith": path, "sensor__key": "air_temp"}
    wholly_in = Q(minimum__gte=low, maximum__lte=high)
    crossing = ~wholly_in & Q(maximum__gte=low, minimum__lte=high)
    mean_in = Q(total__gte=F("count") * low, total__lte=F("count") * high)
    rolled = ReadingRollup.objects.filter(
        **scope, width=ReadingRollup.FIVE_MINUTES, start__date__range=(start, end)
    ).aggregate(n=Sum("count"), n_in=Sum("count", filter=wholly_in | (crossing & mean_in)))
    fresh = Reading.objects.filter(
        **scope, pk__gt=rolled_up_to(), ts__date__range=(start, end)
    ).aggregate(n=Count("pk"), n_in=Count("pk", filter=Q(value__gte=low, value__lte=high)))
    n = (rolled["n"] or 0) + fresh["n"]
    if not n:
        return None
    return round(100 * ((rolled["n_in"] or 0) + fresh["n_in"]) / n, 1)


def by_key() -> dict[str, Figure]:
    return {f.key: f for f in FIGURES}


__all__ = ["FIGURES", "GROUPS", "Count", "Figure", "Q", "by_key", "figure"]
