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
        source="'social_assistance'",
        record_date="s.start_date",
        detail="s.programme",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_social_assistance s ON s.id_number = m.id_number"
        f" WHERE NOT h.monitored AND {ctx.in_period('s.start_date')}"
        " AND s.programme IN ('dibao', 'tekun', 'temporary')"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if household.monitored:
            continue
        for r in ctx.records("social_assistance", person.id_number):
            if ctx.window.in_period(r["start_date"]) and r["programme"] in (
                "dibao",
                "tekun",
                "temporary",
            ):
                yield (
                    household.household_code,
                    person.id_number,
                    "social_assistance",
                    r["start_date"],
                    None,
                    r["programme"],
                )


RULE = RuleDef(
    code="R09",
    kind="risk",
    risk_type="other",
    title="新纳入低保、特困或临时救助",
    datasets=("social_assistance",),
    severity="medium",
    sql=sql,
    reference=reference,
)
