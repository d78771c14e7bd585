# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""R12: an active member without basic medical insurance.

Basic medical insurance is 职工基本医疗保险 or 城乡居民基本医疗保险 (《中华人民共和国社会保险法》
第二十三条、第二十五条; policy/data/sources.json key SSL): the registry's flag records only the
城乡居民 scheme, so a member the 医保 dataset ``employee_insurance`` lists in 职工医保 on or
before ``as_of`` is insured and raises no clue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    select = evidence_select(household="m.household_code", person="m.id_number", source="'persons'")
    if "employee_insurance" not in ctx.present:
        return select + " FROM ap m WHERE m.medical_insurance = '0'"
    return (
        select + " FROM ap m LEFT JOIN (SELECT DISTINCT id_number FROM d_employee_insurance) e"
        " ON e.id_number = m.id_number WHERE m.medical_insurance = '0' AND e.id_number IS NULL"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        employee = ctx.records("employee_insurance", person.id_number)
        if person.medical_insurance == "0" and not employee:
            yield household.household_code, person.id_number, "persons", None, None, None


RULE = RuleDef(
    code="R12",
    kind="risk",
    risk_type="illness",
    title="未参加基本医疗保险（城乡居民医保、职工医保均未参加）",
    datasets=(),
    severity="medium",
    sql=sql,
    reference=reference,
)
