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
        source="'vehicles'",
        record_date="v.registered_date",
        amount="v.purchase_price",
        detail="v.vehicle_type",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_vehicles v ON v.id_number = m.id_number"
        " WHERE h.covered AND v.vehicle_type IN ('car', 'truck')"
        f" AND v.purchase_price >= {num(ctx.params['price_threshold'])}"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not household.covered:
            continue
        for r in ctx.records("vehicles", person.id_number):
            price = r["purchase_price"]
            wanted = r["vehicle_type"] in ("car", "truck")
            if wanted and price is not None and price >= params["price_threshold"]:
                yield (
                    household.household_code,
                    person.id_number,
                    "vehicles",
                    r["registered_date"],
                    price,
                    r["vehicle_type"],
                )


RULE = RuleDef(
    code="A01",
    kind="anomaly",
    risk_type=None,
    title="享受政策户成员拥有较贵车辆",
    datasets=("vehicles",),
    params=(money("price_threshold"),),  # from the policy version
    sql=sql,
    reference=reference,
)
