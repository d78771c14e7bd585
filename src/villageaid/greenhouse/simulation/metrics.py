"""Controller-quality metrics per INTERFACES §5 and greenhouse.md §5.1.

All series are one value per simulated minute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from villageaid.greenhouse.stages import StageBand

RH_DROP_WINDOW_MIN = 10
RH_DROP_POINTS = 10.0


def rh_drop_events(rh: Sequence[float] | np.ndarray, window: int = RH_DROP_WINDOW_MIN) -> int:
    """Count RH drops of more than 10 points within a 10-minute window.

    At minute t the drop is max(RH[t−k] − RH[t]) over k = 1..window. Consecutive minutes with a
    drop over the limit are one event, so a single collapse is not counted ten times.
    """
    series = np.asarray(rh, dtype=float)
    if series.size < 2:
        return 0
    drop = np.zeros(series.size)
    for k in range(1, window + 1):
        drop[k:] = np.maximum(drop[k:], series[:-k] - series[k:])
    flagged = drop > RH_DROP_POINTS
    starts = flagged & ~np.concatenate(([False], flagged[:-1]))
    return int(starts.sum())


OOB_RH_DIVISOR = 5.0  # INTERFACES §5: one RH point-hour counts a fifth of a kelvin-hour


def oob_score(temp_c: np.ndarray, rh_pct: np.ndarray, band: StageBand) -> float:
    """Kelvin-hours outside the temperature band + RH point-hours outside the RH band / 5."""
    kh = np.clip(temp_c - band.temp_max_c, 0, None) + np.clip(band.temp_min_c - temp_c, 0, None)
    rh = np.clip(rh_pct - band.rh_max_pct, 0, None) + np.clip(band.rh_min_pct - rh_pct, 0, None)
    return float(kh.sum() + rh.sum() / OOB_RH_DIVISOR) / 60.0


def compute_metrics(
    *,
    temp_c: Sequence[float] | np.ndarray,
    rh_pct: Sequence[float] | np.ndarray,
    band: StageBand,
    actuator_switches: int = 0,
    water_l: float = 0.0,
    policy: str = "",
) -> dict[str, object]:
    """The INTERFACES §5 metrics dictionary for minute series of inside T and RH."""
    temp = np.asarray(temp_c, dtype=float)
    rh = np.asarray(rh_pct, dtype=float)
    if temp.shape != rh.shape or temp.size == 0:
        raise ValueError("temperature and humidity series must be non-empty and equally long")
    minutes = int(temp.size)
    in_t = (temp >= band.temp_min_c) & (temp <= band.temp_max_c)
    in_rh = (rh >= band.rh_min_pct) & (rh <= band.rh_max_pct)
    joint = in_t & in_rh

    rh_out = (
        float(
            (np.clip(band.rh_min_pct - rh, 0, None) + np.clip(rh - band.rh_max_pct, 0, None)).sum()
        )
        / 60.0
    )

    def pct(mask: np.ndarray) -> float:
        return round(100.0 * float(mask.sum()) / minutes, 3)

    return {
        "policy": policy,
        "stage": band.stage,
        "band": band.as_dict(),
        "minutes": minutes,
        "tib_temp_pct": pct(in_t),
        "tib_rh_pct": pct(in_rh),
        "tib_joint_pct": pct(joint),
        "minutes_out_of_band": int(minutes - joint.sum()),
        # which side of which band the out-of-band minutes were on
        "minutes_below_min": int((temp < band.temp_min_c).sum()),
        "minutes_above_max": int((temp > band.temp_max_c).sum()),
        "minutes_rh_below_min": int((rh < band.rh_min_pct).sum()),
        "minutes_rh_above_max": int((rh > band.rh_max_pct).sum()),
        "kh_above_max": round(float(np.clip(temp - band.temp_max_c, 0, None).sum()) / 60.0, 3),
        "kh_below_min": round(float(np.clip(band.temp_min_c - temp, 0, None).sum()) / 60.0, 3),
        "rh_hours_below_min": round(float(np.clip(band.rh_min_pct - rh, 0, None).sum()) / 60.0, 3),
        "rh_pct_hours_out": round(rh_out, 3),
        "oob_score": round(oob_score(temp, rh, band), 3),
        "rh_drop_events": rh_drop_events(rh),
        "minutes_above_20c": int((temp > 20.0).sum()),
        "minutes_below_0c": int((temp < 0.0).sum()),
        "max_temp_c": round(float(temp.max()), 2),
        "min_temp_c": round(float(temp.min()), 2),
        "min_rh_pct": round(float(rh.min()), 1),
        "actuator_switches": int(actuator_switches),
        "water_l": round(float(water_l), 1),
    }
