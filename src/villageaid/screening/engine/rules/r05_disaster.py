from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from villageaid.screening.engine.rules._common import money, num


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'disasters'",
        record_date="x.event_date",
        amount="x.loss_amount",
        detail="x.kind",
    ) + (
        " FROM ap m JOIN d_disasters x ON x.id_number = m.id_number"
        f" WHERE {ctx.in_period('x.event_date')}"
        f" AND x.loss_amount >= {num(ctx.params['loss_threshold'])}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        for r in ctx.records("disasters", person.id_number):
            loss = r["loss_amount"]
            big = loss is not None and loss >= params["loss_threshold"]
            if ctx.window.in_period(r["event_date"]) and big:
                yield (
                    household.household_code,
                    person.id_number,
                    "disasters",
                    r["event_date"],
                    loss,
                    r["kind"],
                )


RULE = RuleDef(
    code="R05",
    kind="risk",
    risk_type="disaster",
    title="受灾损失较大",
    datasets=("disasters",),
    params=(money("loss_threshold"),),  # from the policy version
    severity="high",
    sql=sql,
    reference=reference,
)
