from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.ruledef import age_sql
from villageaid.screening.engine.rules._common import age, between


def sql(ctx: RuleContext) -> str:
    p = ctx.params
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'deaths'",
        record_date="d.death_date",
    ) + (
        " FROM pf m JOIN d_deaths d ON d.id_number = m.id_number"
        " WHERE m.status IN ('active', 'deceased')"
        f" AND {ctx.in_period('d.death_date')}"
        f" AND {age_sql('m.birth', 'd.death_date')} BETWEEN {p['min_age']} AND {p['max_age']}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members(deceased=True):
        for r in ctx.records("deaths", person.id_number):
            day = r["death_date"]
            if ctx.window.in_period(day) and between(
                person.age_on(day), params["min_age"], params["max_age"]
            ):
                yield household.household_code, person.id_number, "deaths", day, None, None


RULE = RuleDef(
    code="R04",
    kind="risk",
    risk_type="labour_loss",
    title="劳动年龄家庭成员死亡",
    datasets=("deaths",),
    params=(age("min_age", 16), age("max_age", 59)),
    severity="high",
    sql=sql,
    reference=reference,
)
