"""Random small registries: the engine and the Python reference give the same clues."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villageaid.screening.engine import build_catalogue, reference, run_screening
from villageaid.screening.tests.builders import AS_OF, household, make_id, person, write_world

DAYS = st.integers(min_value=-800, max_value=30).map(lambda d: AS_OF + dt.timedelta(days=d))
MONEY = st.sampled_from(["0", "300", "5999.99", "6000", "6000.01", "10000", "10000.01", "90000"])
BIRTHS = st.sampled_from([-20, -16, -15, -6, -5, -40, -59, -60, -70]).flatmap(
    lambda y: st.integers(-2, 2).map(
        lambda d: AS_OF.replace(year=AS_OF.year + y) + dt.timedelta(days=d)
    )
)


@st.composite
def worlds(draw: Any) -> tuple[list, list, dict]:
    n_households = draw(st.integers(1, 4))
    households = [
        household(
            f"H{i}",
            household_type=draw(st.sampled_from(["tuopin", "general"])),
            monitoring_status=draw(st.sampled_from(["none", "monitored", "eliminated"])),
            risk_types=draw(st.sampled_from(["", "illness", "disability;employment", "other"])),
            net_income_12m=draw(st.sampled_from(["0", "8000", "8700", "20000", "100000"])),
        )
        for i in range(n_households)
    ]
    ids = []
    persons = []
    for n in range(draw(st.integers(1, 7))):
        pid = make_id(draw(BIRTHS), n + 1)
        if draw(st.booleans()) and ids:
            pid = draw(st.sampled_from(ids))
        if draw(st.integers(0, 9)) == 0:
            pid = pid[:-1] + ("0" if pid[-1] != "0" else "1")
        ids.append(pid)
        row = person(
            pid,
            f"H{draw(st.integers(0, n_households - 1))}",
            status=draw(st.sampled_from(["active", "active", "deceased", "moved_out"])),
            health=draw(st.sampled_from(["healthy", "chronic", "disabled"])),
            labour=draw(st.sampled_from(["none", "normal", "lost"])),
            medical_insurance=draw(st.sampled_from(["1", "1", "0"])),
        )
        if draw(st.integers(0, 5)) == 0:
            row["sex"] = "2" if row["sex"] == "1" else "1"
        persons.append(row)
    pick = st.sampled_from(ids)
    sources = {
        "medical_claims": [
            {
                "id_number": draw(pick),
                "admission_date": d,
                "discharge_date": d,
                "total_cost": "1",
                "self_pay": draw(MONEY),
            }
            for d in draw(st.lists(DAYS, max_size=4))
        ],
        "deaths": [
            {"id_number": draw(pick), "death_date": d} for d in draw(st.lists(DAYS, max_size=2))
        ],
        "housing_appraisals": [
            {"id_number": draw(pick), "appraisal_date": d, "grade": draw(st.sampled_from("ABCD"))}
            for d in draw(st.lists(DAYS, max_size=3))
        ],
        "students": [
            {
                "id_number": draw(pick),
                "as_of_date": d,
                "status": draw(st.sampled_from(["enrolled", "dropout"])),
            }
            for d in draw(st.lists(DAYS, max_size=3))
        ],
        "disability_certificates": [
            {"id_number": draw(pick), "issued_date": d, "grade": draw(st.sampled_from("1234"))}
            for d in draw(st.lists(DAYS, max_size=2))
        ],
    }
    return households, persons, sources


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(worlds())
def test_engine_matches_reference(world: tuple[list, list, dict]) -> None:
    households, persons, sources = world
    with tempfile.TemporaryDirectory() as tmp:
        registry, src = write_world(Path(tmp), households, persons, sources)
        result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
        expected = reference.evaluate(
            build_catalogue(as_of=AS_OF), registry_dir=registry, sources_dir=src
        )
    assert reference.canonical([c.__dict__ for c in result.clues]) == reference.canonical(expected)
