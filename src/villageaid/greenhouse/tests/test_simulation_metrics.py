"""Metrics on small hand-made minute series (INTERFACES §5)."""

from __future__ import annotations

import pytest

from villageaid.greenhouse.simulation.metrics import compute_metrics, rh_drop_events
from villageaid.greenhouse.stages import stage_band

BAND = stage_band("fruiting")


def test_an_11_point_drop_in_10_minutes_counts_and_10_does_not() -> None:
    assert rh_drop_events([80.0] * 5 + [80 - 1.1 * k for k in range(1, 11)] + [69.0] * 5) == 1
    assert rh_drop_events([80.0] * 5 + [80 - 1.0 * k for k in range(1, 11)] + [70.0] * 5) == 0
    # the same 11 points spread over 11 minutes stay under the limit
    assert rh_drop_events([80.0] * 5 + [80 - 1.0 * k for k in range(1, 12)] + [69.0] * 5) == 0


def test_a_long_collapse_is_one_event_and_two_collapses_are_two() -> None:
    one = [85.0] * 10 + [85 - 3 * k for k in range(1, 11)] + [55.0] * 10
    assert rh_drop_events(one) == 1
    assert rh_drop_events(one + [85.0] * 10 + one) == 2


def test_band_metrics_on_a_hand_made_series() -> None:
    temp = [10.0] * 60 + [20.0] * 60 + [4.0] * 60
    rh = [80.0] * 60 + [60.0] * 60 + [90.0] * 60
    m = compute_metrics(
        temp_c=temp, rh_pct=rh, band=BAND, actuator_switches=3, water_l=12.345, policy="x"
    )
    assert m["minutes"] == 180
    assert m["tib_temp_pct"] == pytest.approx(100 / 3, abs=1e-3)
    assert m["tib_rh_pct"] == pytest.approx(100 / 3, abs=1e-3)
    assert m["tib_joint_pct"] == pytest.approx(100 / 3, abs=1e-3)
    assert m["kh_above_max"] == pytest.approx(2.0)  # 2 K for one hour
    assert m["kh_below_min"] == pytest.approx(1.0)
    assert m["rh_hours_below_min"] == pytest.approx(5.0)
    assert m["max_temp_c"] == 20.0 and m["min_temp_c"] == 4.0
    assert m["minutes_above_20c"] == 0
    assert m["actuator_switches"] == 3 and m["water_l"] == 12.3
    assert m["policy"] == "x" and m["stage"] == "fruiting"
    assert m["band"] == {
        "stage": "fruiting",
        "temp_min_c": 5.0,
        "temp_max_c": 18.0,
        "rh_min_pct": 65.0,
        "rh_max_pct": 85.0,
    }


def test_mismatched_series_are_rejected() -> None:
    with pytest.raises(ValueError):
        compute_metrics(temp_c=[1.0], rh_pct=[1.0, 2.0], band=BAND)


def test_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="fruiting"):
        stage_band("flowering")
