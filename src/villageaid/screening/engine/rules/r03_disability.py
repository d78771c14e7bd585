from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.ruledef import Param


def sql(ctx: RuleContext) -> str:
    grade = ctx.params["severe_max_grade"]
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'disability_certificates'",
        record_date="c.issued_date",
        detail="'grade=' || CAST(c.grade AS VARCHAR)",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_disability_certificates c ON c.id_number = m.id_number"
        f" WHERE {ctx.in_period('c.issued_date')}"
        f" OR (c.grade BETWEEN 1 AND {int(grade)} AND NOT h.covered)"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        for r in ctx.records("disability_certificates", person.id_number):
            severe = r["grade"] is not None and 1 <= r["grade"] <= params["severe_max_grade"]
            if ctx.window.in_period(r["issued_date"]) or (severe and not household.covered):
                detail = None if r["grade"] is None else f"grade={r['grade']}"
                yield (
                    household.household_code,
                    person.id_number,
                    "disability_certificates",
                    r["issued_date"],
                    None,
                    detail,
                )


RULE = RuleDef(
    code="R03",
    kind="risk",
    risk_type="disability",
    title="新增残疾或重度残疾",
    datasets=("disability_certificates",),
    params=(Param("severe_max_grade", "int", 2, minimum=1, maximum=4),),
    severity="medium",
    sql=sql,
    reference=reference,
)
