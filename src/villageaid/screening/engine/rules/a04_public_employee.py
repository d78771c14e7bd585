from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="m.household_code", person="m.id_number", source="'public_employees'"
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_public_employees e ON e.id_number = m.id_number WHERE h.covered"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if household.covered and ctx.records("public_employees", person.id_number):
            yield household.household_code, person.id_number, "public_employees", None, None, None


RULE = RuleDef(
    code="A04",
    kind="anomaly",
    risk_type=None,
    title="享受政策户成员为财政供养人员",
    datasets=("public_employees",),
    sql=sql,
    reference=reference,
)
