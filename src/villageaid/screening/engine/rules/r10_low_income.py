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
        " WHERE h.active_members > 0 AND NOT h.monitored"
        f" AND h.net_income_12m < {line} * h.active_members"
    )
    household = evidence_select(
        household="h.household_code",
        source="'households'",
        amount="h.net_income_12m",
        detail="'active_members=' || CAST(h.active_members AS VARCHAR)",
    )
    members = evidence_select(
        household="h.household_code", person="m.id_number", source="'persons'"
    )
    return (
        f"{household} FROM hf h{where} UNION ALL "
        f"{members} FROM hf h JOIN ap m ON m.household_code = h.household_code{where}"
    )


def fires(household: Any, line: Any) -> bool:
    return (
        household.active_members > 0
        and not household.monitored
        and household.net_income_12m is not None
        and household.net_income_12m < line * household.active_members
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for code, household in ctx.households.items():
        if fires(household, params["monitoring_line"]):
            detail = f"active_members={household.active_members}"
            yield code, None, "households", None, household.net_income_12m, detail
            for person, member_household in ctx.members():
                if member_household is household:
                    yield code, person.id_number, "persons", None, None, None


RULE = RuleDef(
    code="R10",
    kind="risk",
    risk_type="income",
    title="人均纯收入低于监测范围",
    datasets=(),
    severity="high",
    sql=sql,
    reference=reference,
)
