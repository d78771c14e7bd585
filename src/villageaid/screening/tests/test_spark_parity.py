"""DuckDB and Spark produce identical clue sets on the same fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from villageaid.screening.engine import reference, run_screening
from villageaid.screening.tests.builders import AS_OF, household, person, write_world
from villageaid.screening.tests.test_rules import ADULT, CASES

pytestmark = pytest.mark.spark


def test_duckdb_and_spark_agree(tmp_path: Path) -> None:
    households, persons, sources = [], [], {}
    for n, (_, hh, who, src, _) in enumerate(CASES):
        households.append(household(f"H{n}", **hh))
        pid = who.get("id_number", ADULT)
        persons.append(person(pid, f"H{n}", **who))
        for name, rows in src.items():
            sources.setdefault(name, []).extend(rows)
    registry, src_dir = write_world(tmp_path, households, persons, sources)
    duck = run_screening(registry_dir=registry, sources_dir=src_dir, as_of=AS_OF)
    spark = run_screening(registry_dir=registry, sources_dir=src_dir, as_of=AS_OF, engine="spark")
    assert len(duck.clues) > 20
    assert reference.canonical([c.__dict__ for c in spark.clues]) == reference.canonical(
        [c.__dict__ for c in duck.clues]
    )
