# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Compile the enabled catalogue into an ordered list of SQL relations.

The statements are DuckDB SQL in a portable subset; the Spark engine
transpiles the same list with sqlglot. ``ev_all`` holds every evidence row.
"""

from __future__ import annotations

from dataclasses import dataclass

from villageaid.screening.engine import expr
from villageaid.screening.engine.catalogue import Catalogue
from villageaid.screening.engine.derived import derived_statements
from villageaid.screening.engine.ruledef import RuleContext, evidence_select

# Relations worth materialising (the rest are cheap views)
MATERIALISED = {"pf", "hf", "stays", "stay_sums"}


@dataclass(frozen=True)
class Plan:
    statements: list[tuple[str, str]]
    rule_codes: list[str]
    # Relations to materialise: MATERIALISED plus the rules other rules read (``uses``),
    # which would otherwise be computed once per reference.
    materialised: frozenset[str] = frozenset(MATERIALISED)


def compile_plan(catalogue: Catalogue, present: set[str], *, dialect: str = "duckdb") -> Plan:
    window = catalogue.window
    statements = derived_statements(window, present)
    if "medical_claims" in present:
        statements += _stay_statements(window.as_of.isoformat(), window.start.isoformat())
    runnable = catalogue.runnable(present)
    codes = [rule.code for rule, _ in runnable]
    used = {f"ev_{code}" for rule, _ in runnable for code in rule.uses if code in codes}
    # A rule's rows count only for households in ``hf``. A rule with a condition joins
    # ``hf`` anyway (the condition reads it), and so does a rule other rules read; the
    # rest are filtered together in ``ev_all``: one semi-join instead of one join per rule.
    filtered: list[str] = []
    for rule, params in runnable:
        ctx = RuleContext(
            params={**params, "monitoring_line": catalogue.monitoring_line},
            window=window,
            enabled_codes=frozenset(codes),
            present=frozenset(present),
        )
        condition = expr.parse_condition(str(params["condition"]))
        join_hf = condition is not None or f"ev_{rule.code}" in used
        if not join_hf:
            filtered.append(rule.code)
        sql = f"SELECT '{rule.code}' AS rule_code, e.* FROM ({rule.sql(ctx)}) e"
        if join_hf:
            sql += " JOIN hf ON hf.household_code = e.household_code"
        if condition is not None:
            sql += f" WHERE {expr.render(condition, table='hf', dialect=dialect)}"
        statements.append((f"ev_{rule.code}", sql))
    statements.append(("ev_all", _union(codes, filtered)))
    return Plan(statements, codes, frozenset(MATERIALISED | used))


def _stay_statements(as_of: str, start: str) -> list[tuple[str, str]]:
    stays = (
        "SELECT DISTINCT m.household_code, m.id_number, c.rid, c.admission_date, c.self_pay"
        " FROM ap m JOIN d_medical_claims c ON c.id_number = m.id_number"
        f" WHERE c.admission_date BETWEEN DATE '{start}' AND DATE '{as_of}'"
    )
    sums = "SELECT household_code, SUM(self_pay) AS self_pay FROM stays GROUP BY household_code"
    return [("stays", stays), ("stay_sums", sums)]


def _union(codes: list[str], filtered: list[str]) -> str:
    """Every rule's rows; those of ``filtered`` rules only for households in ``hf``."""
    if not codes:
        empty = evidence_select(household="household_code")
        return (
            f"SELECT CAST(NULL AS VARCHAR) AS rule_code, e.* FROM ({empty} FROM hf) e WHERE 1 = 0"
        )
    parts = [f"SELECT * FROM ev_{code}" for code in codes if code not in filtered]
    if filtered:
        rows = " UNION ALL ".join(f"SELECT * FROM ev_{code}" for code in filtered)
        parts.append(
            f"SELECT * FROM ({rows}) u WHERE u.household_code IN (SELECT household_code FROM hf)"
        )
    return " UNION ALL ".join(parts)
