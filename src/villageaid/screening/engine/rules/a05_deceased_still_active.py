from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return (
        evidence_select(
            household="m.household_code",
            person="m.id_number",
            source="'deaths'",
            record_date="d.death_date",
        )
        + " FROM ap m JOIN d_deaths d ON d.id_number = m.id_number"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        for r in ctx.records("deaths", person.id_number):
            yield household.household_code, person.id_number, "deaths", r["death_date"], None, None


RULE = RuleDef(
    code="A05",
    kind="quality",
    risk_type=None,
    title="已有死亡记录的人员仍为在册状态",
    datasets=("deaths",),
    severity="high",
    sql=sql,
    reference=reference,
)
