"""Equipment, the new report fields and the perfect-foresight oracle on a short trace."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from villageaid.greenhouse.simulation.equipment import CATALOGUE, equipment_set
from villageaid.greenhouse.simulation.runner import run_trace
from villageaid.greenhouse.simulation.weather import WeatherTrace, generate_weihai

NEW_FIELDS = (
    "oob_score",
    "rh_pct_hours_out",
    "max_switches_per_actuator_hour",
    "equipment",
    "energy_kwh",
    "cost_yuan",
)


@pytest.fixture(scope="module")
def cold_days() -> WeatherTrace:
    # the March cold snap of the generator: nights below the band
    return generate_weihai(date(2020, 3, 5), date(2020, 3, 7), seed=3)


def test_every_equipment_item_has_sources_and_a_cost() -> None:
    for item in CATALOGUE.values():
        assert item.capital_yuan > 0
        assert "[" in item.source and "[" in item.capital_source


def test_unknown_equipment_is_refused() -> None:
    with pytest.raises(ValueError, match="known equipment"):
        equipment_set("inner_film,jetpack")


def test_report_has_the_new_fields(cold_days: WeatherTrace) -> None:
    m = run_trace(cold_days, "thermostat", equipment="heater").metrics
    for name in NEW_FIELDS:
        assert name in m
    assert m["equipment"] == ["heater"]


def test_oracle_beats_the_thermostat_and_a_heater_helps_it(cold_days: WeatherTrace) -> None:
    thermostat = run_trace(cold_days, "thermostat").metrics
    bare = run_trace(cold_days, "oracle").metrics
    heated = run_trace(cold_days, "oracle", equipment="heater").metrics
    assert bare["oob_score"] < thermostat["oob_score"]  # type: ignore[operator]
    assert heated["kh_below_min"] < bare["kh_below_min"]  # type: ignore[operator]
    assert heated["energy_kwh"] > bare["energy_kwh"]  # type: ignore[operator]
    assert heated["cost_yuan"] > 0  # type: ignore[operator]
    assert bare["max_switches_per_actuator_hour"] <= 6  # type: ignore[operator]


def test_blanket_keeps_a_closed_house_warmer_at_night(cold_days: WeatherTrace) -> None:
    bare = run_trace(cold_days, "oracle").metrics
    film = run_trace(cold_days, "oracle", equipment="film+blanket").metrics
    assert film["kh_below_min"] < bare["kh_below_min"]  # type: ignore[operator]


def test_list_equipment_command() -> None:
    out = io.StringIO()
    call_command("simulate_greenhouse", "--list-equipment", stdout=out)
    names = [row["name"] for row in json.loads(out.getvalue())["equipment"]]
    assert names == list(CATALOGUE)
