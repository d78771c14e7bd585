"""Run a policy through a weather trace at a 1-minute step and score it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from villageaid.greenhouse.controller import ActuatorPositions
from villageaid.greenhouse.simulation.metrics import compute_metrics
from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelModel
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.policies import Observation, make_policy
from villageaid.greenhouse.simulation.weather import CST, WeatherTrace, read_weather
from villageaid.greenhouse.stages import stage_band

SPIN_UP_DAYS = 3
INITIAL_SOIL_ABOVE_OUTDOOR_K = 3.0  # [E] a closed tunnel's beds sit a few K above outdoor mean

Progress = Callable[[float], None]


@dataclass
class SimulationResult:
    metrics: dict[str, object]
    temp_c: np.ndarray
    rh_pct: np.ndarray
    vent_pct: np.ndarray
    model: TunnelModel


def _outdoor(trace: WeatherTrace, i: int) -> Outdoor:
    return Outdoor(
        temp_c=float(trace.air_temp_c[i]),
        rh_pct=float(trace.rh_pct[i]),
        wind_ms=float(trace.wind_ms[i]),
        ghi_wm2=float(trace.ghi_wm2[i]),
    )


def _spun_up_model(trace: WeatherTrace, params: TunnelParams) -> TunnelModel:
    """Start from soil a little above the outdoor mean, then run the first days as a closed,
    shaded house so the soil and air states are consistent with the weather."""
    n = min(len(trace), SPIN_UP_DAYS * 1440)
    soil = float(np.mean(trace.air_temp_c[:n])) + INITIAL_SOIL_ABOVE_OUTDOOR_K
    model = TunnelModel.start(params, _outdoor(trace, 0), soil_temp_c=soil)
    closed = ActuatorTargets(vent_pct=0.0, mist_s=0.0, shade_on=True)
    for i in range(n):
        model.step(_outdoor(trace, i), closed)
    model.state.air_temp_c = float(trace.air_temp_c[0]) + (
        model.state.air_temp_c - float(trace.air_temp_c[n - 1])
    )
    model.ledger = type(model.ledger)()
    return model


def run_trace(
    trace: WeatherTrace,
    policy_name: str,
    stage: str = "fruiting",
    params: TunnelParams | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Simulate `policy_name` on a weather trace (any step; interpolated to 1 minute)."""
    band = stage_band(stage)
    policy = make_policy(policy_name)
    params = params or TunnelParams()
    minute = trace.to_minutes() if trace.step_s != 60 else trace
    model = _spun_up_model(minute, params)
    forecast: dict[date, float] = minute.daily_max()
    n = len(minute)
    temps, rhs, vents = np.empty(n), np.empty(n), np.empty(n)
    switches = 0
    previous: ActuatorTargets | None = None
    for i in range(n):
        now = datetime.fromtimestamp(float(minute.t[i]), CST)
        outdoor = _outdoor(minute, i)
        s = model.state
        obs = Observation(
            now=now,
            band=band,
            air_temp_c=s.air_temp_c,
            rh_pct=s.rh_pct,
            soil_temp_c=s.soil_temp_c,
            outdoor=outdoor,
            actuators=ActuatorPositions(s.vent_pct, s.mist_s, s.shade_on, s.fan_on),
            forecast_max_c=forecast[now.date()],
        )
        targets = policy.decide(obs)
        if previous is not None:
            switches += _count_switches(previous, targets)
        previous = targets
        model.step(outdoor, targets)
        temps[i], rhs[i], vents[i] = (
            model.state.air_temp_c,
            model.state.rh_pct,
            model.state.vent_pct,
        )
        if progress is not None and i % 1440 == 0:
            progress(i / n)
    if progress is not None:
        progress(1.0)
    metrics = compute_metrics(
        temp_c=temps,
        rh_pct=rhs,
        band=band,
        actuator_switches=switches,
        water_l=model.ledger.mist_water_l,
        policy=policy_name,
    )
    metrics["vent_strokes"] = round(float(np.abs(np.diff(vents)).sum()) / 200.0, 1)
    return SimulationResult(metrics, temps, rhs, vents, model)


def _count_switches(before: ActuatorTargets, after: ActuatorTargets) -> int:
    return sum(
        (
            abs(before.vent_pct - after.vent_pct) > 1e-6,
            abs(before.mist_s - after.mist_s) > 1e-6,
            before.shade_on != after.shade_on,
            before.fan_on != after.fan_on,
        )
    )


def simulate(
    weather_path: str | Path,
    policy: str,
    stage: str = "fruiting",
    report_path: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Read a weather file, run a policy, return (and optionally write) the metrics JSON."""
    trace = read_weather(weather_path)
    metrics = run_trace(trace, policy, stage, progress=progress).metrics
    metrics["weather"] = str(weather_path)
    if report_path is not None:
        Path(report_path).write_text(
            json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return metrics
