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
        source="'businesses'",
        amount="b.registered_capital",
        detail="b.role",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_businesses b ON b.id_number = m.id_number"
        " WHERE h.covered AND b.role IN ('legal_rep', 'shareholder') AND b.status = 'active'"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not household.covered:
            continue
        for r in ctx.records("businesses", person.id_number):
            if r["role"] in ("legal_rep", "shareholder") and r["status"] == "active":
                yield (
                    household.household_code,
                    person.id_number,
                    "businesses",
                    None,
                    r["registered_capital"],
                    r["role"],
                )


RULE = RuleDef(
    code="A02",
    kind="anomaly",
    risk_type=None,
    title="享受政策户成员经营在营企业",
    datasets=("businesses",),
    sql=sql,
    reference=reference,
)
