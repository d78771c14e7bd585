# ruff: noqa: S608
"""Bad input, encodings, Parquet, overrides and the condition language."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from villageaid.policy.shipped import shipped_policy
from villageaid.screening.engine import (
    CatalogueError,
    InputError,
    build_catalogue,
    run_screening,
    run_screening_on_connection,
    write_clues_csv,
)
from villageaid.screening.engine.expr import ExpressionError, parse_condition
from villageaid.screening.tests.builders import AS_OF, household, make_id, person, write_world

PID = make_id(dt.date(1980, 5, 6), 1)


def world(tmp_path: Path, **kw: str) -> tuple[Path, Path]:
    return write_world(tmp_path, [household(**kw)], [person(PID, medical_insurance="0")], {})


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    (src / "deaths.csv").write_text("id_number,died\n" + PID + ",2025-01-01\n")
    with pytest.raises(InputError, match=r"deaths\.csv: missing required column 'death_date'"):
        run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)


def test_wrong_encoding_is_one_clear_error(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    (src / "deaths.csv").write_bytes(b"id_number,death_date\n\xff\xfe\x80\x81,2025-01-01\n")
    with pytest.raises(InputError, match="not UTF-8 or GB18030"):
        run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)


def test_gb18030_and_bom_inputs_work(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    text = (registry / "persons.csv").read_text(encoding="utf-8")
    (registry / "persons.csv").write_bytes(text.encode("gb18030"))
    (src / "deaths.csv").write_bytes(
        ("\ufeffid_number,death_date,备注\n" + PID + ",2010-01-01,公安\n").encode()
    )
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert {c.rule_code for c in result.clues} >= {"R12", "A05"}


def test_utf16_export_works_like_utf8(tmp_path: Path) -> None:
    """Excel's "Unicode text" export is UTF-16 with a BOM: transcoded, same clues."""
    registry, src = world(tmp_path)
    line = "id_number,death_date\n" + PID + ",2010-01-01\n"
    (src / "deaths.csv").write_text(line, encoding="utf-8")
    expected = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF).clues
    (src / "deaths.csv").write_bytes(line.encode("utf-16"))
    assert run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF).clues == expected
    assert "A05" in {c.rule_code for c in expected}


def test_parquet_works_and_matches_csv(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    (src / "deaths.csv").write_text(f"id_number,death_date\n{PID},2010-01-01\n")
    expected = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF).clues
    con = duckdb.connect()
    for folder, name in ((registry, "households"), (registry, "persons"), (src, "deaths")):
        con.execute(
            f"COPY (SELECT * FROM read_csv('{folder}/{name}.csv', all_varchar=true)) "
            f"TO '{folder}/{name}.parquet' (FORMAT parquet)"
        )
        (folder / f"{name}.csv").unlink()
    assert run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF).clues == expected


def test_bad_department_ids_are_counted_not_fatal(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    (src / "deaths.csv").write_text(f"id_number,death_date\n{PID},2010-01-01\n12345,2010-01-01\n")
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert result.bad_id_counts["deaths"] == 1
    assert result.bad_ids["deaths"] == ["*****"]


def test_missing_datasets_skip_their_rules(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert "R01" in result.skipped and "R12" in result.counts


def test_connection_entry_and_csv_output(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    con = duckdb.connect()
    for name in ("households", "persons"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{registry}/{name}.csv')")
    result = run_screening_on_connection(con, sources_dir=src, as_of=AS_OF)
    assert [c.rule_code for c in result.clues] == ["R12"]
    out = tmp_path / "clues.csv"
    write_clues_csv(result, out, "run-1")
    header, row = out.read_text().splitlines()
    assert header == "run_id,rule_code,kind,household_code,village_code,risk_type,severity,evidence"
    assert row.startswith("run-1,R12,risk,H1,110105001001,illness,medium,")


def test_policy_line_and_overrides_change_parameters_and_version(tmp_path: Path) -> None:
    """The line comes from the policy version (a county's 10000 for 2025 here), not from
    a screening override; rule parameters still do."""
    registry, src = world(tmp_path, net_income_12m="9500")
    base = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    shipped = shipped_policy("NAT-2025")
    county = dataclasses.replace(
        shipped,
        code="COUNTY-2025",
        ranges={2025: dataclasses.replace(shipped.range(2025), line=Decimal(10000))},
    )
    raised = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF, policy=county)
    assert "R10" not in base.counts or base.counts["R10"] == 0
    assert raised.counts["R10"] == 1
    assert raised.catalogue_version != base.catalogue_version
    assert raised.catalogue["policy"] == "COUNTY-2025" and base.catalogue["policy"] == "NAT-2025"
    off = run_screening(
        registry_dir=registry,
        sources_dir=src,
        as_of=AS_OF,
        overrides={"rules": {"R12": {"enabled": False}}},
    )
    assert "R12" not in off.counts


def test_condition_filters_clues(tmp_path: Path) -> None:
    registry, src = world(tmp_path)
    result = run_screening(
        registry_dir=registry,
        sources_dir=src,
        as_of=AS_OF,
        overrides={"rules": {"R12": {"condition": "covered AND active_members >= 1"}}},
    )
    assert result.counts["R12"] == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"rules": {"R99": {}}},
        {"rules": {"R01": {"covered_threshold": -1}}},
        {"rules": {"R01": {"covered_threshold": "abc"}}},
        {"rules": {"R01": {"nope": 1}}},
        {"rules": {"R01": {"enabled": "yes"}}},
        {"rules": {"R04": {"min_age": 60, "max_age": 16}}},
        {"rules": {"R01": {"condition": "__import__('os')"}}},
        {"monitoring_line": {"2025": 0}},
        {"surprise": 1},
    ],
)
def test_bad_overrides_are_rejected(overrides: dict) -> None:
    with pytest.raises(CatalogueError):
        build_catalogue(as_of=AS_OF, overrides=overrides)


@pytest.mark.parametrize(
    "text",
    [
        "1; DROP TABLE persons",
        "(SELECT 1) = 1",
        "upper(village_code) = 'X'",
        "pf.age > 3",
        "secret_column = 1",
        "net_income_12m IN (SELECT 1)",
    ],
)
def test_expression_whitelist(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_condition(text)


def test_catalogue_version_is_stable() -> None:
    assert build_catalogue(as_of=AS_OF).version == build_catalogue(as_of=AS_OF).version
