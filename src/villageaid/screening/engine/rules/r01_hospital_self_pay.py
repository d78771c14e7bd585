from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import money, num


def sql(ctx: RuleContext) -> str:
    p = ctx.params
    return evidence_select(
        household="s.household_code",
        person="s.id_number",
        source="'medical_claims'",
        record_date="s.admission_date",
        amount="s.self_pay",
    ) + (
        " FROM stays s JOIN hf h ON h.household_code = s.household_code"
        f" WHERE s.self_pay > CASE WHEN h.covered THEN {num(p['covered_threshold'])}"
        f" ELSE {num(p['other_threshold'])} END"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for code, stays in ctx.stays().items():
        household = ctx.households.get(code)
        if household is None:
            continue
        limit = params["covered_threshold" if household.covered else "other_threshold"]
        for person, r in stays.values():
            if r["self_pay"] is not None and r["self_pay"] > limit:
                yield (
                    code,
                    person.id_number,
                    "medical_claims",
                    r["admission_date"],
                    r["self_pay"],
                    None,
                )


RULE = RuleDef(
    code="R01",
    kind="risk",
    risk_type="illness",
    title="单次住院自付费用高",
    datasets=("medical_claims",),
    # Thresholds from the policy version (NAT-2020 onwards: 6000 covered / 10000 others).
    params=(money("covered_threshold"), money("other_threshold")),
    severity="high",
    sql=sql,
    reference=reference,
)
