# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""SQL shared by every rule: ID validity, person facts ``pf``, household facts ``hf``,
and department views ``d_<dataset>`` with records dated after ``as_of`` dropped.

Written in the portable subset of DuckDB SQL that sqlglot transpiles to Spark.
"""

from __future__ import annotations

from villageaid.screening.engine.datasets import DEPARTMENT
from villageaid.screening.engine.ruledef import Window, age_sql

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_format_ok_sql(col: str) -> str:
    return f"COALESCE(REGEXP_MATCHES({col}, '^[0-9]{{17}}[0-9X]$'), FALSE)"


def _digit(col: str, start: int, length: int) -> str:
    return f"TRY_CAST(SUBSTR({col}, {start}, {length}) AS INTEGER)"


# The first 17 digits in three INTEGER chunks (digits 1-6, 7-12 and 13-17): per-digit
# arithmetic on them costs a fraction of seventeen SUBSTR/TRY_CAST pairs.
_CHUNKS = ((1, 6), (7, 6), (13, 5))


def id_chunks_sql(col: str) -> list[tuple[str, str]]:
    """``(alias, expression)`` of the chunks :func:`id_core_ok_from_chunks_sql` reads."""
    return [(f"_id{n}", _digit(col, start, size)) for n, (start, size) in enumerate(_CHUNKS)]


def id_core_ok_from_chunks_sql(
    col: str, chunks: tuple[str, str, str] = ("_id0", "_id1", "_id2")
) -> str:
    """Format, check digit and birth date of ``col`` given its chunks (columns of the same
    row, see :func:`id_chunks_sql`); never NULL. The address check is a join on
    ``id_place_ok``."""
    terms = []
    for name, (start, size) in zip(chunks, _CHUNKS, strict=True):
        for j in range(size):
            weight = _WEIGHTS[start - 1 + j]
            terms.append(f"(({name} // {10 ** (size - 1 - j)}) % 10) * {weight}")
    check = f"SUBSTR('10X98765432', (({' + '.join(terms)}) % 11) + 1, 1) = SUBSTR({col}, 18, 1)"
    y, m, d = f"({chunks[1]} // 100)", f"({chunks[1]} % 100)", f"({chunks[2]} // 1000)"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    last = (
        f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    date = f"{y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {last}"
    return f"COALESCE({id_format_ok_sql(col)} AND {check} AND {date}, FALSE)"


def id_core_ok_sql(col: str) -> str:
    """:func:`id_core_ok_from_chunks_sql` with the chunks inline (one expression)."""
    a, b, c = (expression for _, expression in id_chunks_sql(col))
    return id_core_ok_from_chunks_sql(col, (a, b, c))


def id_valid_sql(col: str) -> str:
    """Full GB 11643 validity (DuckDB only: uses a correlated EXISTS)."""
    return (
        f"({id_core_ok_sql(col)} AND EXISTS (SELECT 1 FROM id_place_ok q "
        f"WHERE q.addr = SUBSTR({col}, 1, 6) AND q.yr = SUBSTR({col}, 7, 4)))"
    )


def mask_sql(col: str) -> str:
    """``idnumber.mask`` in SQL."""
    return (
        f"CASE WHEN {col} IS NULL THEN NULL "
        f"WHEN LENGTH({col}) < 10 THEN REPEAT('*', LENGTH({col})) "
        f"ELSE SUBSTR({col}, 1, 6) || REPEAT('*', LENGTH({col}) - 10) || RIGHT({col}, 4) END"
    )


def derived_statements(window: Window, present: set[str]) -> list[tuple[str, str]]:
    """``(relation, SELECT)`` pairs, in dependency order."""
    as_of = f"DATE '{window.as_of.isoformat()}'"
    p = "p.id_number"
    pf0 = (
        "SELECT p.*, "
        "(p.id_core_ok AND q.addr IS NOT NULL) AS id_ok "
        "FROM stg_persons p LEFT JOIN id_place_ok q "
        f"ON q.addr = SUBSTR({p}, 1, 6) AND q.yr = SUBSTR({p}, 7, 4)"
    )
    id_birth = (
        f"CASE WHEN p.id_ok THEN MAKE_DATE({_digit(p, 7, 4)}, {_digit(p, 11, 2)}, "
        f"{_digit(p, 13, 2)}) END"
    )
    pf1 = f"SELECT p.*, {id_birth} AS id_birth FROM pf0 p"
    pf = (
        "SELECT p.*, CASE WHEN p.id_ok THEN p.id_birth ELSE p.birth_date END AS birth, "
        f"{age_sql('CASE WHEN p.id_ok THEN p.id_birth ELSE p.birth_date END', as_of)} AS age, "
        "COALESCE(p.status = 'active', FALSE) AS active "
        "FROM pf1 p"
    )
    ap = "SELECT * FROM pf WHERE active"
    hf = (
        "SELECT h.*, "
        "COALESCE(h.household_type = 'tuopin' OR h.monitoring_status = 'monitored', FALSE) "
        "AS covered, COALESCE(h.monitoring_status = 'monitored', FALSE) AS monitored, "
        "COALESCE(a.n, 0) AS active_members "
        "FROM stg_households h LEFT JOIN "
        "(SELECT household_code, COUNT(*) AS n FROM ap GROUP BY household_code) a "
        "ON a.household_code = h.household_code"
    )
    statements = [("pf0", pf0), ("pf1", pf1), ("pf", pf), ("ap", ap), ("hf", hf)]
    for dataset in DEPARTMENT:
        if dataset.name not in present:
            continue
        where = ""
        if dataset.date_column:
            where = f" WHERE {dataset.date_column} IS NOT NULL AND {dataset.date_column} <= {as_of}"
        statements.append((f"d_{dataset.name}", f"SELECT * FROM stg_{dataset.name}{where}"))
    return statements
