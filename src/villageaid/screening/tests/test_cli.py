"""The acceptance command itself: ``villageaid screen --registry R --sources S --as-of D
--out clues.csv --no-push`` writes exactly the clues of INTERFACES 3.2 on both engines,
as the plain Python evaluation of the rule table (``reference``) finds them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from villageaid.screening.engine import build_catalogue, reference
from villageaid.screening.engine.run import CSV_COLUMNS
from villageaid.screening.tests.builders import AS_OF, household, person, write_world
from villageaid.screening.tests.test_rules import ADULT, CASES


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_the_screen_command_writes_the_catalogues_clues(tmp_path: Path, engine: str) -> None:
    households, persons, sources = [], [], {}
    for n, (_, hh, who, src, _) in enumerate(CASES):  # every boundary fixture, one household each
        households.append(household(f"H{n}", **hh))
        persons.append(person(who.get("id_number", ADULT), f"H{n}", **who))
        for name, rows in src.items():
            sources.setdefault(name, []).extend(rows)
    registry, src_dir = write_world(tmp_path, households, persons, sources)
    out = tmp_path / "clues.csv"
    call_command(
        "screen",
        "--registry",
        str(registry),
        "--sources",
        str(src_dir),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(out),
        "--no-push",
        "--engine",
        engine,
    )
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    written = [
        {k: (row[k] or None) if k in ("village_code", "risk_type") else row[k] for k in row}
        for row in rows
    ]
    assert len({r["run_id"] for r in written}) == 1
    for row in written:
        del row["run_id"]
    expected = reference.evaluate(
        build_catalogue(as_of=AS_OF), registry_dir=registry, sources_dir=src_dir
    )
    assert len(expected) > 20
    assert reference.canonical(written) == reference.canonical(expected)
