from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="s.household_code",
        person="s.id_number",
        source="'medical_claims'",
        record_date="s.admission_date",
        amount="s.self_pay",
    ) + (
        " FROM stays s JOIN stay_sums t ON t.household_code = s.household_code"
        " JOIN hf h ON h.household_code = s.household_code"
        " WHERE t.self_pay > h.net_income_12m"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for code, stays in ctx.stays().items():
        household = ctx.households.get(code)
        total = sum((r["self_pay"] for _, r in stays.values() if r["self_pay"] is not None), 0)
        if household is None or household.net_income_12m is None:
            continue
        if all(r["self_pay"] is None for _, r in stays.values()):
            continue
        if total > household.net_income_12m:
            for person, r in stays.values():
                yield (
                    code,
                    person.id_number,
                    "medical_claims",
                    r["admission_date"],
                    r["self_pay"],
                    None,
                )


RULE = RuleDef(
    code="R02",
    kind="risk",
    risk_type="illness",
    title="医疗自付合计超过家庭年纯收入",
    datasets=("medical_claims",),
    severity="high",
    sql=sql,
    reference=reference,
)
