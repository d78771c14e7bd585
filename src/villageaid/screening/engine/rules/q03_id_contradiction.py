from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.core import idnumber

_ID_SEX = "CASE WHEN TRY_CAST(SUBSTR(m.id_number, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END"
_BAD_BIRTH = "COALESCE(m.birth_date <> m.id_birth, FALSE)"
_BAD_SEX = f"COALESCE(m.sex <> {_ID_SEX}, FALSE)"


def sql(ctx: RuleContext) -> str:
    detail = (
        f"CASE WHEN {_BAD_BIRTH} AND {_BAD_SEX} THEN 'birth_date;sex' "
        f"WHEN {_BAD_BIRTH} THEN 'birth_date' ELSE 'sex' END"
    )
    return (
        evidence_select(
            household="m.household_code", person="m.id_number", source="'persons'", detail=detail
        )
        + f" FROM ap m WHERE m.id_ok AND ({_BAD_BIRTH} OR {_BAD_SEX})"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not person.id_ok or person.id_number is None:
            continue
        wrong = []
        if person.birth_date is not None and person.birth_date != person.id_birth:
            wrong.append("birth_date")
        if person.sex is not None and person.sex != idnumber.sex(person.id_number):
            wrong.append("sex")
        if wrong:
            yield household.household_code, person.id_number, "persons", None, None, ";".join(wrong)


RULE = RuleDef(
    code="Q03",
    kind="quality",
    risk_type=None,
    title="出生日期或性别与证件号码矛盾",
    datasets=(),
    severity="low",
    sql=sql,
    reference=reference,
)
