# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from villageaid.screening.engine.ruledef import EvidenceRow, RuleContext, RuleDef, evidence_select

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext
from collections import Counter


def sql(ctx: RuleContext) -> str:
    return evidence_select(
        household="m.household_code",
        person="m.id_number",
        source="'persons'",
        detail="'count=' || CAST(d.n AS VARCHAR)",
    ) + (
        " FROM ap m JOIN (SELECT id_number, COUNT(*) AS n FROM ap WHERE id_number IS NOT NULL"
        " GROUP BY id_number HAVING COUNT(*) > 1) d ON d.id_number = m.id_number"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    counts = Counter(p.id_number for p in ctx.active if p.id_number is not None)
    for person, household in ctx.members():
        n = counts.get(person.id_number or "", 0)
        if n > 1:
            yield household.household_code, person.id_number, "persons", None, None, f"count={n}"


RULE = RuleDef(
    code="Q02",
    kind="quality",
    risk_type=None,
    title="同一证件号码重复在册",
    datasets=(),
    severity="low",
    sql=sql,
    reference=reference,
)
