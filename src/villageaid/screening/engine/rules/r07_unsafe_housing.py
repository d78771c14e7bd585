# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
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
        source="'housing_appraisals'",
        record_date="a.appraisal_date",
        detail="'grade=' || UPPER(a.grade)",
    ) + (
        " FROM ap m JOIN d_housing_appraisals a ON a.id_number = m.id_number"
        " JOIN (SELECT id_number, MAX(appraisal_date) AS latest FROM d_housing_appraisals"
        " GROUP BY id_number) l ON l.id_number = a.id_number AND l.latest = a.appraisal_date"
        " WHERE UPPER(a.grade) IN ('C', 'D')"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        records = ctx.records("housing_appraisals", person.id_number)
        if not records:
            continue
        latest = max(r["appraisal_date"] for r in records)
        for r in records:
            grade = (r["grade"] or "").upper()
            if r["appraisal_date"] == latest and grade in ("C", "D"):
                yield (
                    household.household_code,
                    person.id_number,
                    "housing_appraisals",
                    r["appraisal_date"],
                    None,
                    f"grade={grade}",
                )


RULE = RuleDef(
    code="R07",
    kind="risk",
    risk_type="housing",
    title="最近一次房屋鉴定为C级或D级",
    datasets=("housing_appraisals",),
    severity="high",
    sql=sql,
    reference=reference,
)
