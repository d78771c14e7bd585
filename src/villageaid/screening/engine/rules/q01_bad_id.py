from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return (
        evidence_select(household="m.household_code", person="m.id_number", source="'persons'")
        + " FROM ap m WHERE NOT m.id_ok"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not person.id_ok:
            yield household.household_code, person.id_number, "persons", None, None, None


RULE = RuleDef(
    code="Q01",
    kind="quality",
    risk_type=None,
    title="证件号码不符合GB 11643",
    datasets=(),
    severity="low",
    sql=sql,
    reference=reference,
)
