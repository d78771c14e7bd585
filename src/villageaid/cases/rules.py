"""The cases app's questions to the policy: which version a case runs under, its clock,
and the decision guards of ``villageaid.policy.guards`` fed with this household's facts.

Every threshold, category, limit and catalogue comes from ``policy_for`` (or the version a
case was opened under); nothing here holds a number of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from villageaid.core.errors import ServiceError
from villageaid.policy import guards
from villageaid.policy.resolved import Policy
from villageaid.policy.resolver import policy_for, policy_for_version, version_code_for
from villageaid.registry import labels
from villageaid.registry.models import Household

WORKING_LABOUR = {"skilled", "normal", "weak"}
NO_LABOUR = {"lost", "none"}


def risk_list(value: str | list[str]) -> list[str]:
    items = value if isinstance(value, list) else value.replace(",", ";").split(";")
    return [r.strip() for r in items if r.strip() in labels.RISK_TYPE_LABELS]


def active_members(household: Household) -> list[Any]:
    return [p for p in household.members.all() if p.status == "active"]


def has_labour(household: Household) -> bool:
    return any(p.labour in WORKING_LABOUR for p in active_members(household))


# --- which policy -------------------------------------------------------------------------


def version_for(household: Household, on: dt.date) -> str:
    """The version code in force for the household's village on ``on`` (kept on the case)."""
    return version_code_for(household.village, on)


def case_policy(case: Any) -> Policy:
    """The version the case was opened under; a case without one (opened before versions
    existed) gets the version in force on its opening date."""
    if getattr(case, "policy_version", ""):
        return policy_for_version(case.policy_version)
    return policy_for(case.household.village, case.opened_on)


def monitoring_line(area: Any, on: dt.date) -> Decimal:
    return policy_for(area, on).line(on.year)


@dataclass(frozen=True)
class Clock:
    version: str
    days: int | None
    kind: str
    notice_min_days: int | None


def clock_for(household: Household, opened_on: dt.date, *, elimination: bool = False) -> Clock:
    """The identification (or elimination) limit of the version in force on ``opened_on``;
    ``days`` is None where the version sets none (NAT-2020: no national limit)."""
    code = version_for(household, opened_on)
    policy = policy_for_version(code)
    limit = policy.elimination_limit if elimination else policy.identification_limit
    return Clock(code, limit.days, limit.kind, policy.notice_min_days)


# --- facts ----------------------------------------------------------------------------------


def rigid_by_date(household: Household) -> dict[dt.date, Decimal]:
    """刚性支出 (合规自付: medical and schooling) recorded at each home verification."""
    from villageaid.cases.models import Transition

    found: dict[dt.date, Decimal] = {}
    rows = Transition.objects.filter(case__household=household, step_code="verify")
    for on, data in rows.values_list("on", "data"):
        expenses = (data or {}).get("expenses") or {}
        found[on] = sum((Decimal(str(v or 0)) for v in expenses.values()), Decimal(0))
    return found


def facts_for(household: Household, on: dt.date, risk_types: str = "") -> guards.Facts:
    members = active_members(household)
    rigid = rigid_by_date(household)
    incomes = [
        guards.Income(r.period_end, r.net_income, rigid.get(r.period_end, Decimal(0)))
        for r in household.incomes.filter(period_end__lte=on).order_by("-period_end")[:3]
    ]
    return guards.Facts(
        household_type=household.household_type,
        members=len(members),
        incomes=incomes,
        risk_types=risk_list(risk_types or household.risk_types),
        has_labour=any(p.labour in WORKING_LABOUR for p in members),
        no_labour_at_all=bool(members) and all(p.labour in NO_LABOUR for p in members),
        guarantee_problems=tuple(household.guarantee_problems),
    )


# --- guards the steps call ------------------------------------------------------------------


def category_problems(case: Any, category: str, on: dt.date, risk_types: str = "") -> list[str]:
    """R-CAT-1 for a proposed or decided category (village review, township, county): the
    latest verified facts against the range of ``on``'s year under the case's version."""
    policy = case_policy(case)
    facts = facts_for(case.household, dt.date.max, risk_types or case.risk_types)
    return guards.failed(guards.category_checks(policy, facts, category, on.year))


def check_category(case: Any, data: dict[str, Any], on: dt.date, *, required: bool) -> None:
    category = str(data.get("category") or "")
    if not category:
        if required:
            raise ServiceError("请选择监测对象类别", code="category_required")
        return
    problems = category_problems(case, category, on, str(data.get("risk_types") or ""))
    if problems:
        raise ServiceError("；".join(problems), code="R-CAT-1")


def registry_category(case: Any) -> str:
    """The registry's category code for the case's category (a 2020 脱贫监测户 is kept in the
    register under the code its successor category uses; the case keeps its own code)."""
    found = case_policy(case).category(case.category)
    return found.registry_code if found else case.category


def category_label(case: Any) -> str:
    return case_policy(case).category_label(case.category) if case.category else ""


def notice_category(case: Any) -> str:
    """The category a notice shows, in the case's version's words: the case's own, else the
    household's current one mapped onto the version (a 2020 notice never shows a 2021 label)."""
    if case.category:
        return category_label(case)
    current = case.household.monitoring_category
    found = next((c for c in case_policy(case).categories if c.registry_code == current), None)
    return found.label if found else ""


def assess_case(case: Any, on: dt.date) -> guards.Conclusion:
    """The category the case's version gives the household on ``on`` (the worksheet's answer)."""
    facts = facts_for(case.household, on, case.risk_types)
    return guards.assess(case_policy(case), facts, case.opened_on.year)


def measure_problems(
    household: Household,
    codes: list[str],
    *,
    adding: str,
    immediate: bool = False,
    policy: Policy | None = None,
    on: dt.date | None = None,
) -> list[str]:
    """R-MEAS-2 always; R-MEAS-1 for the assistance plan (see ``guards.measure_checks``),
    under the case's version (``policy``) or the one in force on ``on``."""
    on = on or dt.date.today()
    policy = policy or policy_for(household.village, on)
    facts = facts_for(household, on)
    checks = guards.measure_checks(policy, facts, codes, adding=adding, immediate=immediate)
    return [c.text for c in checks if not c.ok]


def elimination_checks(case: Any, on: dt.date, mode: str = guards.ASSISTED) -> list[guards.Check]:
    """Every elimination condition under the version in force on ``on``, each naming the
    rule and the condition it used (kept in the elimination's audit event)."""
    policy = policy_for(case.household.village, on)
    facts = facts_for(case.household, on, case.risk_types)
    return guards.elimination_checks(
        policy,
        facts,
        mode=mode,
        identified_on=case.decided_on,
        on=on,
        measures=list(case.measures.values_list("measure", flat=True)),
        risk_labels=labels.RISK_TYPE_LABELS,
    )


def elimination_problems(case: Any, on: dt.date, mode: str = guards.ASSISTED) -> list[str]:
    return guards.failed(elimination_checks(case, on, mode))


def checks_record(checks: list[guards.Check]) -> list[dict[str, Any]]:
    return [{"rule": c.rule, "ok": c.ok, "text": c.text, "used": c.used} for c in checks]
