"""Policy checks: measures (R-MEAS-1, R-MEAS-2) and risk elimination (section 10.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from villageaid.cases.catalogue import MEASURES, SOCIAL_SECURITY
from villageaid.registry import labels
from villageaid.registry.models import Household

WORKING_LABOUR = {"skilled", "normal", "weak"}
NO_LABOUR = {"lost", "none"}
MIN_MONITORED_DAYS = 182


def risk_list(value: str | list[str]) -> list[str]:
    items = value if isinstance(value, list) else value.replace(",", ";").split(";")
    return [r.strip() for r in items if r.strip() in labels.RISK_TYPE_LABELS]


def active_members(household: Household) -> list[Any]:
    return [p for p in household.members.all() if p.status == "active"]


def has_labour(household: Household) -> bool:
    return any(p.labour in WORKING_LABOUR for p in active_members(household))


def measure_problems(
    household: Household, codes: list[str], *, adding: str, immediate: bool = False
) -> list[str]:
    """R-MEAS-2 always; R-MEAS-1 for the assistance plan, not for immediate relief granted
    while identification runs (the seed article's township-fund grant comes first)."""
    if adding not in MEASURES:
        return [f"未知措施 {adding}"]
    problems = []
    if MEASURES[adding].employment and not has_labour(household):
        problems.append("就业类措施须有劳动能力的家庭成员")
    only_social = all(MEASURES[c].kind == SOCIAL_SECURITY for c in codes)
    if not immediate and has_labour(household) and only_social:
        problems.append("有劳动能力的家庭不能只享受综合保障类措施，请同时安排发展类措施")
    return problems


def monitoring_line(province_code: str, year: int) -> Decimal:
    """The line from the screening engine's defaults (per province: not yet configurable there)."""
    from villageaid.screening.engine.catalogue import MONITORING_LINE_DEFAULTS

    years = sorted(MONITORING_LINE_DEFAULTS)
    chosen = max((y for y in years if y <= year), default=years[0])
    return MONITORING_LINE_DEFAULTS[chosen]


def per_capita_incomes(household: Household) -> list[Decimal]:
    members = len(active_members(household)) or 1
    return [r.net_income / members for r in household.incomes.all()[:2]]


def elimination_problems(case: Any, on: dt.date) -> list[str]:
    household: Household = case.household
    problems = []
    if case.decided_on is None or (on - case.decided_on).days < MIN_MONITORED_DAYS:
        problems.append("纳入监测不满半年")
    line = monitoring_line(household.village.province_code, on.year)
    incomes = per_capita_incomes(household)
    if len(incomes) < 2 or any(value <= line for value in incomes):
        problems.append(f"人均纯收入未稳定高于监测标准（{line}元），需连续两次核实均高于标准")
    if household.guarantee_problems:
        problems.append("两不愁三保障及饮水安全未保障：" + "、".join(household.guarantee_problems))
    if not case.measures.exists():
        problems.append("至少落实一项帮扶措施")
    members = active_members(household)
    if members and all(p.labour in NO_LABOUR for p in members):
        problems.append("整户无劳动力，不标注风险消除")
    return problems
