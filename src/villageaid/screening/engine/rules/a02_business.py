"""A02: a member of a covered household runs an active business (legal representative or
shareholder). A shareholder of a 农民专业合作社 is not a business owner: a cooperative is a
members' mutual-aid organisation whose surplus returns to members by their transactions
(《中华人民共和国农民专业合作社法》第二条、第四十四条; policy/data/sources.json key COOP), and a
cooperative dividend is 财产性收入 (monitoring.md §4.1). ``businesses.entity_type`` (optional
column) marks cooperatives; a file without it is read as before.
"""

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
        source="'businesses'",
        amount="b.registered_capital",
        detail="b.role",
    ) + (
        " FROM ap m JOIN hf h ON h.household_code = m.household_code"
        " JOIN d_businesses b ON b.id_number = m.id_number"
        " WHERE h.covered AND b.role IN ('legal_rep', 'shareholder') AND b.status = 'active'"
        " AND NOT (b.role = 'shareholder' AND COALESCE(b.entity_type, '') = 'cooperative')"
    )


def reference(ctx: RefContext, params: Mapping[str, Any]) -> Iterable[EvidenceRow]:
    for person, household in ctx.members():
        if not household.covered:
            continue
        for r in ctx.records("businesses", person.id_number):
            cooperative_share = r["role"] == "shareholder" and r["entity_type"] == "cooperative"
            if (
                r["role"] in ("legal_rep", "shareholder")
                and r["status"] == "active"
                and not cooperative_share
            ):
                yield (
                    household.household_code,
                    person.id_number,
                    "businesses",
                    None,
                    r["registered_capital"],
                    r["role"],
                )


RULE = RuleDef(
    code="A02",
    kind="anomaly",
    risk_type=None,
    title="享受政策户成员经营在营企业",
    datasets=("businesses",),
    sql=sql,
    reference=reference,
)
