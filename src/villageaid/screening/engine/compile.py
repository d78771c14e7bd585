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
    for rule, params in runnable:
        ctx = RuleContext(
            params={**params, "monitoring_line": catalogue.monitoring_line},
            window=window,
            enabled_codes=frozenset(codes),
        )
        statements.append(
            (f"ev_{rule.code}", _rule_statement(rule.code, rule.sql(ctx), params, dialect=dialect))
        )
    statements.append(("ev_all", _union(codes)))
    used = {f"ev_{code}" for rule, _ in runnable for code in rule.uses if code in codes}
    return Plan(statements, codes, frozenset(MATERIALISED | used))


def _rule_statement(code: str, body: str, params: dict[str, object], *, dialect: str) -> str:
    sql = (
        f"SELECT '{code}' AS rule_code, e.* FROM ({body}) e"
        " JOIN hf ON hf.household_code = e.household_code"
    )
    condition = expr.parse_condition(str(params["condition"]))
    if condition is not None:
        sql += f" WHERE {expr.render(condition, table='hf', dialect=dialect)}"
    return sql


def _stay_statements(as_of: str, start: str) -> list[tuple[str, str]]:
    stays = (
        "SELECT DISTINCT m.household_code, m.id_number, c.rid, c.admission_date, c.self_pay"
        " FROM ap m JOIN d_medical_claims c ON c.id_number = m.id_number"
        f" WHERE c.admission_date BETWEEN DATE '{start}' AND DATE '{as_of}'"
    )
    sums = "SELECT household_code, SUM(self_pay) AS self_pay FROM stays GROUP BY household_code"
    return [("stays", stays), ("stay_sums", sums)]


def _union(codes: list[str]) -> str:
    if not codes:
        empty = evidence_select(household="household_code")
        return (
            f"SELECT CAST(NULL AS VARCHAR) AS rule_code, e.* FROM ({empty} FROM hf) e WHERE 1 = 0"
        )
    return " UNION ALL ".join(f"SELECT * FROM ev_{code}" for code in codes)
