from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import num


def sql(ctx: RuleContext) -> str:
    line = num(ctx.params["monitoring_line"])
    where = (
        " WHERE h.active_members > 0 AND NOT h.monitored AND t.self_pay > 0"
        f" AND (h.net_income_12m - t.self_pay) < {line} * h.active_members"
    )
    if "R10" in ctx.enabled_codes:
        where += (
            " AND NOT EXISTS (SELECT 1 FROM ev_R10 r WHERE r.household_code = h.household_code)"
        )
    base = " FROM hf h JOIN stay_sums t ON t.household_code = h.household_code"
    household = evidence_select(
        household="h.household_code",
        source="'households'",
        amount="h.net_income_12m",
        detail="'active_members=' || CAST(h.active_members AS VARCHAR)",
    )
    stays = evidence_select(
        household="h.household_code",
        person="s.id_number",
        source="'medical_claims'",
        record_date="s.admission_date",
        amount="s.self_pay",
    )
    members = evidence_select(
        household="h.household_code", person="m.id_number", source="'persons'"
    )
    return (
        f"{household}{base}{where} UNION ALL "
        f"{stays}{base} JOIN stays s ON s.household_code = h.household_code{where} UNION ALL "
        f"{members}{base} JOIN ap m ON m.household_code = h.household_code{where}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    line = params["monitoring_line"]
    all_stays = ctx.stays()
    for code, household in ctx.households.items():
        stays = all_stays.get(code, {})
        paid = [r["self_pay"] for _, r in stays.values() if r["self_pay"] is not None]
        if household.active_members == 0 or household.monitored or not paid or sum(paid) <= 0:
            continue
        if household.net_income_12m is None or code in ctx.fired.get("R10", set()):
            continue
        if household.net_income_12m - sum(paid) >= line * household.active_members:
            continue
        detail = f"active_members={household.active_members}"
        yield code, None, "households", None, household.net_income_12m, detail
        for person, r in stays.values():
            day, paid = r["admission_date"], r["self_pay"]
            yield code, person.id_number, "medical_claims", day, paid, None
        for person, member_household in ctx.members():
            if member_household is household:
                yield code, person.id_number, "persons", None, None, None


RULE = RuleDef(
    code="R11",
    kind="risk",
    risk_type="illness",
    title="扣除医疗自付后人均纯收入低于监测范围",
    datasets=("medical_claims",),
    severity="medium",
    uses=("R10",),
    sql=sql,
    reference=reference,
)
