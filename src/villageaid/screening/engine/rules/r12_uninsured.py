from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return (
        evidence_select(household="m.household_code", person="m.id_number", source="'persons'")
        + " FROM ap m WHERE m.medical_insurance = '0'"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if person.medical_insurance == "0":
            yield household.household_code, person.id_number, "persons", None, None, None


RULE = RuleDef(
    code="R12",
    kind="risk",
    risk_type="illness",
    title="未参加城乡居民基本医疗保险",
    datasets=(),
    severity="medium",
    sql=sql,
    reference=reference,
)
