"""R13: a member is in 民政's 低收入人口 (低保, 特困, 低保边缘, 刚性支出困难…) and the household
is not monitored: identify it together with civil affairs (2025 中央一号文件: 统筹开展农村低收入
人口及防止返贫致贫对象的识别监测; 2026: 防止返贫致贫对象和农村社会救助对象监测识别). Off by
default; the policy versions from NAT-2025 switch it on (policy/data/nat-2025.json)."""

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
        source="'low_income'",
        record_date="l.recognised_date",
        detail="l.category",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_low_income l ON l.id_number = m.id_number"
        " WHERE NOT h.monitored AND l.category IS NOT NULL"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if household.monitored:
            continue
        for r in ctx.records("low_income", person.id_number):
            if r["category"] is not None:
                yield (
                    household.household_code,
                    person.id_number,
                    "low_income",
                    r["recognised_date"],
                    None,
                    r["category"],
                )


RULE = RuleDef(
    code="R13",
    kind="risk",
    risk_type="income",
    title="民政低收入人口未纳入防止返贫致贫监测（统筹识别）",
    datasets=("low_income",),
    severity="medium",
    enabled=False,
    sql=sql,
    reference=reference,
)
