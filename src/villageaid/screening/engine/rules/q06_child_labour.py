from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import age


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="m.household_code", person="m.id_number", source="'persons'", detail="m.labour"
    ) + (
        f" FROM ap m WHERE m.age < {ctx.params['under_age']}"
        " AND m.labour IS NOT NULL AND m.labour <> 'none'"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        young = person.age is not None and person.age < params["under_age"]
        if young and person.labour is not None and person.labour != "none":
            yield household.household_code, person.id_number, "persons", None, None, person.labour


RULE = RuleDef(
    code="Q06",
    kind="quality",
    risk_type=None,
    title="16岁以下成员劳动技能不是无劳动力",
    datasets=(),
    severity="low",
    params=(age("under_age", 16),),
    sql=sql,
    reference=reference,
)
