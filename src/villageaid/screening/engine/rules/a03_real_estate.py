from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'real_estate'",
        detail="r.property_type",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_real_estate r ON r.id_number = m.id_number"
        " WHERE h.covered AND r.property_type IN ('commercial_housing', 'shop')"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not household.covered:
            continue
        for r in ctx.records("real_estate", person.id_number):
            if r["property_type"] in ("commercial_housing", "shop"):
                yield (
                    household.household_code,
                    person.id_number,
                    "real_estate",
                    None,
                    None,
                    r["property_type"],
                )


RULE = RuleDef(
    code="A03",
    kind="anomaly",
    risk_type=None,
    title="享受政策户成员拥有商品房或商铺",
    datasets=("real_estate",),
    sql=sql,
    reference=reference,
)
