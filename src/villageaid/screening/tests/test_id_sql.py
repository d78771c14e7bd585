# ruff: noqa: S608
"""The SQL ID check (format, check digit, birth date) agrees with a plain Python reading."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from villageaid.core import idnumber
from villageaid.screening.engine.datasets import BY_NAME
from villageaid.screening.engine.derived import id_core_ok_sql
from villageaid.screening.engine.loader import stage


def python_core_ok(value: str | None) -> bool:
    if value is None or not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        return False
    if idnumber.calc_check_digit(value) != value[17]:
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return born.year >= 1


def with_check(first17: str) -> str:
    return first17 + idnumber.calc_check_digit(first17)


EDGES = [
    with_check("11010519800506001"),
    with_check("11010520000229001"),  # leap day of a leap century
    with_check("11010519000229001"),  # no 29 February in 1900
    with_check("11010520240229001"),
    with_check("11010520230229001"),
    with_check("11010519800431001"),  # April has 30 days
    with_check("11010519801231001"),
    with_check("11010519801301001"),  # month 13
    with_check("11010519800001001"),  # month 0
    with_check("11010519800100001"),  # day 0
    with_check("11010500000101001"),  # year 0
    with_check("99999999991231999"),
    with_check("00000000010101000"),
    "11010519800506001" + "0",
    "11010519800506001" + "1",
    "1101051980050600X" + "1",
    "11010519800506001",
    "1101051980050600123",
    "",
    None,
]


def sql_core_ok(values: list[str | None]) -> list[bool]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, id_number VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(f"SELECT {id_core_ok_sql('id_number')} FROM t ORDER BY n").fetchall()
    con.close()
    return [bool(r[0]) for r in rows]


def test_edges_agree_with_python() -> None:
    assert sql_core_ok(EDGES) == [python_core_ok(v) for v in EDGES]
    assert python_core_ok(EDGES[0]) and not python_core_ok(EDGES[2])  # the oracle discriminates


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text("0123456789X", min_size=16, max_size=19),
            st.text("0123456789", min_size=17, max_size=17).map(with_check),
            st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
                lambda d: with_check(f"110105{d:%Y%m%d}".zfill(14) + "123")
            ),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_random_ids_agree_with_python(values: list[str]) -> None:
    assert sql_core_ok(list(values)) == [python_core_ok(v) for v in values]


def test_staging_adds_the_check_as_a_column() -> None:
    con = duckdb.connect()
    ids = [EDGES[0], EDGES[2], " " + EDGES[1].lower() + " "]
    con.execute("CREATE TABLE raw (id_number VARCHAR, death_date VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?, '2025-01-01')", [(i,) for i in ids])
    stage(con, BY_NAME["deaths"], "raw", "raw", rid=True)
    rows = con.execute("SELECT id_number, id_core_ok FROM stg_deaths ORDER BY rid").fetchall()
    assert rows == [(EDGES[0], True), (EDGES[2], False), (EDGES[1].upper(), True)]
