# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import has_risk, has_risk_sql

# risk type -> the member values that support it
SUPPORT = {
    "disability": ("health", ("disabled",)),
    "illness": ("health", ("chronic", "serious")),
    "employment": ("labour", ("skilled", "normal", "weak")),
}


def sql(ctx: RuleContext) -> str:
    parts = []
    for risk, (column, values) in SUPPORT.items():
        options = ", ".join(f"'{v}'" for v in values)
        parts.append(
            evidence_select(household="h.household_code", source="'households'", detail=f"'{risk}'")
            + f" FROM hf h WHERE {has_risk_sql('h.risk_types', risk)} AND NOT EXISTS"
            f" (SELECT 1 FROM ap m WHERE m.household_code = h.household_code"
            f" AND m.{column} IN ({options}))"
        )
    return " UNION ALL ".join(parts)


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for code, household in ctx.households.items():
        members = [p for p, h in ctx.members() if h is household]
        for risk, (column, values) in SUPPORT.items():
            if has_risk(household.risk_types, risk) and not any(
                getattr(p, column) in values for p in members
            ):
                yield code, None, "households", None, None, risk


RULE = RuleDef(
    code="Q05",
    kind="quality",
    risk_type=None,
    title="风险类型与家庭成员状况矛盾",
    datasets=(),
    severity="low",
    sql=sql,
    reference=reference,
)
