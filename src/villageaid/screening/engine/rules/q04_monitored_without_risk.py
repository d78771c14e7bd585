from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="h.household_code", source="'households'", detail="'risk_types'"
    ) + (" FROM hf h WHERE h.monitored AND COALESCE(TRIM(REPLACE(h.risk_types, ';', '')), '') = ''")


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for code, household in ctx.households.items():
        if household.monitored and not (household.risk_types or "").replace(";", "").strip():
            yield code, None, "households", None, None, "risk_types"


RULE = RuleDef(
    code="Q04",
    kind="quality",
    risk_type=None,
    title="监测户未填写风险类型",
    datasets=(),
    severity="low",
    sql=sql,
    reference=reference,
)
