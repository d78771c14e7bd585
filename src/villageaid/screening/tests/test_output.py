# ruff: noqa: S608
"""The clue file and what is made from it: CSV bytes, order, evidence rows, households."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villageaid.screening.engine import build_catalogue, reference, run_screening, write_clues_csv
from villageaid.screening.engine.run import CSV_COLUMNS, RuleMeta, ScreeningResult
from villageaid.screening.tests.builders import AS_OF, household, make_id, person, write_world

ADULT = make_id(dt.date(1980, 5, 6), 1)
# Any text a department file could bring into a field, NUL and lone surrogates aside; the
# characters a CSV writer treats specially are drawn often.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from([",", '"', "\r", "\n", "#", " ", "'", "\\", "中", "\t", ";"]),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=12,
)
OPTIONAL = st.one_of(st.none(), TEXT)


def _result(rows: list[tuple[str, str, str | None, str]], rules: dict[str, RuleMeta]) -> Any:
    store = tempfile.TemporaryDirectory()
    path = Path(store.name) / "clues.parquet"
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE c (n INTEGER, rule_code VARCHAR, household_code VARCHAR, "
        "village_code VARCHAR, evidence VARCHAR)"
    )
    if rows:
        values = [(n, *row) for n, row in enumerate(rows)]
        con.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?)", values)
    con.execute(
        "COPY (SELECT rule_code, household_code, village_code, evidence FROM c ORDER BY n) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    return ScreeningResult(
        as_of=AS_OF,
        engine="duckdb",
        clue_file=path,
        clue_count=len(rows),
        rules=rules,
        counts={},
        skipped={},
        catalogue_version="v",
        catalogue={},
        dataset_checksums={},
        _store=store,
    )


@st.composite
def clue_rows(draw: st.DrawFn) -> tuple[list[tuple[str, str, str | None, str]], dict]:
    rules = {
        f"X{n}": RuleMeta(draw(TEXT), draw(OPTIONAL), draw(TEXT))
        for n in range(draw(st.integers(1, 3)))
    }
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(rules)), TEXT, OPTIONAL, TEXT),
            max_size=8,
        )
    )
    return rows, rules


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(clue_rows(), TEXT)
def test_csv_is_byte_for_byte_what_python_csv_writes(world: tuple, run_id: str) -> None:
    """``write_clues_csv`` (DuckDB ``COPY``) writes the bytes Python's ``csv.writer`` wrote
    before it: header, CRLF, minimal quoting, doubled quotes, ``None`` as empty, UTF-8."""
    rows, rules = world
    result = _result(rows, rules)
    expected = io.StringIO(newline="")
    writer = csv.writer(expected)
    writer.writerow(CSV_COLUMNS)
    for code, household_code, village, evidence in rows:
        meta = rules[code]
        writer.writerow(
            (
                run_id,
                code,
                meta.kind,
                household_code,
                village or "",
                meta.risk_type or "",
                meta.severity,
                evidence,
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clues.csv"
        assert write_clues_csv(result, out, run_id) == len(rows)
        assert out.read_bytes() == expected.getvalue().encode("utf-8")
    result.close()


def _clue_world(tmp_path: Path) -> ScreeningResult:
    old = make_id(dt.date(1940, 3, 1), 3)
    households = [
        household("H2", household_type="tuopin"),
        household("H1", household_type="tuopin", village_code="110105001002"),
        household("H3", risk_types="illness", monitoring_status="monitored"),
    ]
    persons = [
        person(ADULT, "H2", medical_insurance="0"),
        person(make_id(dt.date(1981, 1, 1), 5), "H1", medical_insurance="0"),
        person(old, "H3", medical_insurance="0"),
    ]
    deaths = [{"id_number": old, "death_date": "2010-01-01"}]
    registry, src = write_world(tmp_path, households, persons, {"deaths": deaths})
    return run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)


def test_clues_come_in_catalogue_order_then_household(tmp_path: Path) -> None:
    result = _clue_world(tmp_path)
    order = [r.code for r in build_catalogue(as_of=AS_OF).rules]
    got = [(c.rule_code, c.household_code) for c in result.iter_clues()]
    assert len({code for code, _ in got}) >= 3
    assert got == sorted(got, key=lambda k: (order.index(k[0]), k[1]))
    assert result.clue_count == len(got) == sum(result.counts.values())
    assert next(c.village_code for c in result.clues if c.household_code == "H1") == "110105001002"


def test_batches_hold_every_clue_once(tmp_path: Path) -> None:
    result = _clue_world(tmp_path)
    batches = list(result.iter_clue_batches(2))
    assert [len(b) for b in batches[:-1]] == [2] * (len(batches) - 1)
    assert [c for b in batches for c in b] == result.clues


def test_the_clue_file_goes_with_the_result(tmp_path: Path) -> None:
    result = _clue_world(tmp_path)
    assert result.clue_file.is_file()
    result.close()
    assert not result.clue_file.exists()


def test_persons_of_unknown_households_raise_no_clue(tmp_path: Path) -> None:
    """A rule without a condition is filtered by ``hf`` once, in ``ev_all``: a person whose
    household is not in the registry still raises nothing, as in the reference."""
    stray = make_id(dt.date(1985, 2, 2), 7)
    persons = [person(ADULT, "H1"), person(stray, "H9", medical_insurance="0")]
    sources = {"real_estate": [{"id_number": stray, "property_type": "shop"}]}
    registry, src = write_world(tmp_path, [household("H1")], persons, sources)
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert result.clue_count == 0
    expected = reference.evaluate(
        build_catalogue(as_of=AS_OF), registry_dir=registry, sources_dir=src
    )
    assert expected == []


def test_identical_records_are_one_evidence_item(tmp_path: Path) -> None:
    """The engine's ``DISTINCT`` is needed: two identical department rows (no date to tell
    them apart) are one evidence item, as in the reference."""
    shop = {"id_number": ADULT, "property_type": "shop"}
    registry, src = write_world(
        tmp_path,
        [household("H1", household_type="tuopin")],
        [person(ADULT, "H1")],
        {"real_estate": [shop, dict(shop)]},
    )
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    (clue,) = [c for c in result.clues if c.rule_code == "A03"]
    assert len(json.loads(clue.evidence)) == 1
    expected = reference.evaluate(
        build_catalogue(as_of=AS_OF), registry_dir=registry, sources_dir=src
    )
    assert reference.canonical([c.__dict__ for c in result.clues]) == reference.canonical(expected)
