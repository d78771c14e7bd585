from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import age, between


def sql(ctx: RuleContext) -> str:
    p = ctx.params
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'unemployment'",
        record_date="u.registered_date",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_unemployment u ON u.id_number = m.id_number"
        f" WHERE h.covered AND {ctx.in_period('u.registered_date')}"
        f" AND m.age BETWEEN {p['min_age']} AND {p['max_age']}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not household.covered or not between(person.age, params["min_age"], params["max_age"]):
            continue
        for r in ctx.records("unemployment", person.id_number):
            if ctx.window.in_period(r["registered_date"]):
                yield (
                    household.household_code,
                    person.id_number,
                    "unemployment",
                    r["registered_date"],
                    None,
                    None,
                )


RULE = RuleDef(
    code="R06",
    kind="risk",
    risk_type="employment",
    title="劳动年龄成员登记失业",
    datasets=("unemployment",),
    params=(age("min_age", 16), age("max_age", 59)),
    severity="medium",
    sql=sql,
    reference=reference,
)
