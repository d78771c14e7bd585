"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.registry.models import Household
from villageaid.registry.tests.samples import household_in
from villageaid.screening.models import Clue, ScreeningRun


def run_in(area: Any) -> ScreeningRun:
    return ScreeningRun.objects.create(
        as_of=dt.date(2020, 4, 1), area=area, area_path=area.path, status="done"
    )


def clue_for(household: Household, run: ScreeningRun) -> Clue:
    return Clue.objects.create(
        run=run,
        rule_code="R01",
        kind="risk",
        household=household,
        area_path=household.area_path,
        risk_type="illness",
        severity="high",
        evidence=[{"person": "110105********002X", "source": "medical_claims"}],
        fingerprint=f"fp-{household.code}",
    )


def _runs(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = run_in(areas["village"]), run_in(areas["neighbour"])
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/screening/runs/{own.pk}",
        "other_url": f"/api/v1/screening/runs/{other.pk}",
    }


def _clues(areas: dict[str, Any]) -> dict[str, Any]:
    own_house = Household.objects.filter(code="H-SCR-OWN").first() or household_in(
        areas["village"], "H-SCR-OWN"
    )
    other_house, _ = Household.objects.get_or_create(
        code="H-SCR-OTHER",
        defaults={"village": areas["neighbour"], "area_path": areas["neighbour"].path},
    )
    own = clue_for(own_house, run_in(areas["village"]))
    other = clue_for(other_house, run_in(areas["neighbour"]))
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/screening/clues/{own.pk}",
        "other_url": f"/api/v1/screening/clues/{other.pk}",
    }


SAMPLES = {
    "screening-run-detail": _runs,
    "screening-clue-detail": _clues,
    "screening-clue-link": _clues,
    "api:run": _runs,
    "api:clue": _clues,
}
