# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
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
        source="'students'",
        record_date="s.as_of_date",
        detail="s.status",
    ) + (
        " FROM ap m JOIN d_students s ON s.id_number = m.id_number"
        " JOIN (SELECT id_number, MAX(as_of_date) AS latest FROM d_students"
        " GROUP BY id_number) l ON l.id_number = s.id_number AND l.latest = s.as_of_date"
        " WHERE s.status IN ('dropout', 'suspended')"
        f" AND m.age BETWEEN {p['min_age']} AND {p['max_age']}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        records = ctx.records("students", person.id_number)
        if not records or not between(person.age, params["min_age"], params["max_age"]):
            continue
        latest = max(r["as_of_date"] for r in records)
        for r in records:
            if r["as_of_date"] == latest and r["status"] in ("dropout", "suspended"):
                yield (
                    household.household_code,
                    person.id_number,
                    "students",
                    latest,
                    None,
                    r["status"],
                )


RULE = RuleDef(
    code="R08",
    kind="risk",
    risk_type="education",
    title="义务教育阶段辍学或休学",
    datasets=("students",),
    params=(age("min_age", 6), age("max_age", 15)),
    severity="high",
    sql=sql,
    reference=reference,
)
