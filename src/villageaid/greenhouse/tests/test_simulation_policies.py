"""Policies on a short generated trace, the entry function and the management command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villageaid.greenhouse.simulation.policies import POLICIES, make_policy
from villageaid.greenhouse.simulation.runner import run_trace, simulate
from villageaid.greenhouse.simulation.weather import generate_weihai, write_csv


@pytest.fixture(scope="module")
def april_week() -> dict[str, dict[str, object]]:
    # 5–10 April includes the dry gale of 8 April
    trace = generate_weihai(date(2020, 4, 5), date(2020, 4, 10), seed=3)
    return {name: run_trace(trace, name).metrics for name in POLICIES}


def test_registry_has_the_three_policies() -> None:
    assert list(POLICIES) == ["villager", "thermostat", "platform"]
    with pytest.raises(ValueError, match="known policies"):
        make_policy("autopilot")


def test_villager_routine_visibly_hurts(april_week: dict[str, dict[str, object]]) -> None:
    v = april_week["villager"]
    assert v["rh_drop_events"] >= 3  # type: ignore[operator]
    assert v["min_rh_pct"] < 50  # type: ignore[operator]


def test_platform_beats_thermostat_and_villager(april_week: dict[str, dict[str, object]]) -> None:
    p, t, v = (april_week[n] for n in ("platform", "thermostat", "villager"))
    assert p["minutes_out_of_band"] * 2 <= t["minutes_out_of_band"]  # type: ignore[operator]
    assert p["minutes_out_of_band"] * 2 <= v["minutes_out_of_band"]  # type: ignore[operator]
    # the model-predictive controller trades RH swings for time in band like the oracle it
    # is measured against (oob_score has no term for them): counted, not yet limited
    assert isinstance(p["rh_drop_events"], int)
    assert p["rh_hours_below_min"] < t["rh_hours_below_min"]  # type: ignore[operator]


def _small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "weather.csv"
    write_csv(generate_weihai(date(2020, 4, 1), date(2020, 4, 2), step_min=30, seed=1), path)
    return path


def test_simulate_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    metrics = simulate(_small_csv(tmp_path), "platform", report_path=report)
    assert (
        json.loads(report.read_text(encoding="utf-8"))["tib_joint_pct"] == metrics["tib_joint_pct"]
    )
    for key in (
        "minutes",
        "tib_temp_pct",
        "tib_rh_pct",
        "kh_above_max",
        "kh_below_min",
        "rh_hours_below_min",
        "rh_drop_events",
        "max_temp_c",
        "min_temp_c",
        "actuator_switches",
        "water_l",
        "policy",
        "stage",
        "band",
    ):
        assert key in metrics


def test_command_prints_json_and_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _small_csv(tmp_path)
    call_command("simulate_greenhouse", "--weather", str(path), "--policy", "villager")
    assert json.loads(capsys.readouterr().out)["policy"] == "villager"
    with pytest.raises(CommandError, match="unknown policy"):
        call_command("simulate_greenhouse", "--weather", str(path), "--policy", "nope")
    with pytest.raises(CommandError, match="unknown stage"):
        call_command(
            "simulate_greenhouse", "--weather", str(path), "--policy", "platform", "--stage", "x"
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("ts,air_temp_c\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("simulate_greenhouse", "--weather", str(bad), "--policy", "platform")
