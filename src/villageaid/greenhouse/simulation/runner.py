"""Run a policy through a weather trace at a 1-minute step and score it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from villageaid.greenhouse.controller import ActuatorPositions
from villageaid.greenhouse.simulation.equipment import (
    ELECTRICITY_YUAN_PER_KWH,
    MIST_PUMP_KW_PER_L_MIN,
    EquipmentSet,
    equipment_set,
)
from villageaid.greenhouse.simulation.metrics import compute_metrics
from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelModel
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.policies import Observation, PolicyContext, make_policy
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


def _spun_up_model(
    trace: WeatherTrace, params: TunnelParams, equipment: EquipmentSet | None = None
) -> TunnelModel:
    """Start from soil a little above the outdoor mean, then run the first days as a closed,
    shaded house so the soil and air states are consistent with the weather."""
    n = min(len(trace), SPIN_UP_DAYS * 1440)
    soil = float(np.mean(trace.air_temp_c[:n])) + INITIAL_SOIL_ABOVE_OUTDOOR_K
    model = TunnelModel.start(params, _outdoor(trace, 0), soil_temp_c=soil, equipment=equipment)
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
    equipment: EquipmentSet | str | None = None,
    forecast: WeatherTrace | None = None,
) -> SimulationResult:
    """Simulate `policy_name` on a weather trace (any step; interpolated to 1 minute)."""
    band = stage_band(stage)
    kit = equipment if isinstance(equipment, EquipmentSet) else equipment_set(equipment)
    params = kit.apply(params or TunnelParams())
    minute = trace.to_minutes() if trace.step_s != 60 else trace
    if forecast is not None and forecast.step_s != 60:
        forecast = forecast.to_minutes()
    policy = make_policy(
        policy_name,
        PolicyContext(trace=minute, equipment=kit, params=params, band=band, forecast=forecast),
    )
    model = _spun_up_model(minute, params, kit)
    daily_max: dict[date, float] = minute.daily_max()
    n = len(minute)
    temps, rhs, vents = np.empty(n), np.empty(n), np.empty(n)
    switch_log = np.zeros((len(ACTUATOR_FIELDS), n), dtype=bool)
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
            forecast_max_c=daily_max[now.date()],
            state=s,
        )
        targets = policy.decide(obs)
        if previous is not None:
            switch_log[:, i] = _switched(previous, targets)
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
        actuator_switches=int(switch_log.sum()),
        water_l=model.ledger.mist_water_l,
        policy=policy_name,
    )
    metrics["vent_strokes"] = round(float(np.abs(np.diff(vents)).sum()) / 200.0, 1)
    metrics["max_switches_per_actuator_hour"] = max_switches_per_hour(switch_log)
    metrics.update(energy_and_cost(model, kit, n))
    controller = getattr(policy, "controller", None)
    if controller is not None and controller.ticks:
        # what one control tick costs (the live loop runs one per house per minute)
        plans = controller.plan_seconds or [0.0]
        metrics["controller_ms_per_tick"] = round(
            1000 * controller.tick_seconds / controller.ticks, 2
        )
        metrics["controller_ms_per_plan_max"] = round(1000 * max(plans), 1)
    return SimulationResult(metrics, temps, rhs, vents, model)


ACTUATOR_FIELDS = ("vent_pct", "mist_s", "shade_on", "fan_on", "heater_on", "blanket_on")


def _switched(before: ActuatorTargets, after: ActuatorTargets) -> list[bool]:
    """Per actuator: did the command change (a motor start or a relay flip)?"""
    return [
        abs(float(getattr(before, f)) - float(getattr(after, f))) > 1e-6 for f in ACTUATOR_FIELDS
    ]


def max_switches_per_hour(switch_log: np.ndarray) -> int:
    """The most changes any one actuator made in any 60-minute window."""
    if switch_log.size == 0:
        return 0
    counts = np.cumsum(switch_log, axis=1)
    padded = np.concatenate([np.zeros((counts.shape[0], 60), dtype=counts.dtype), counts], axis=1)
    return int((padded[:, 60:] - padded[:, :-60]).max())


def energy_and_cost(model: TunnelModel, kit: EquipmentSet, minutes: int) -> dict[str, object]:
    """Fuel and electricity of the run (kWh) and what they cost (yuan)."""
    led, hours = model.ledger, minutes / 60.0
    fuel_kwh = fuel_units = elec_kwh = 0.0
    for e in kit.items:
        if e.heater_kw > 0:
            fuel_kwh += led.heater_j / 3.6e6 / e.heater_efficiency
            fuel_units += fuel_kwh / e.fuel_kwh_per_unit if e.fuel_kwh_per_unit else 0.0
            elec_kwh += e.power_kw * led.heater_s / 3600.0
        elif e.soil_air_h_add > 0:
            elec_kwh += e.power_kw * hours  # circulation fans run all the time
    flow = model.params.mist_flow_l_min
    elec_kwh += MIST_PUMP_KW_PER_L_MIN * flow * led.mist_s / 3600.0
    fuel_cost = sum(
        fuel_units * e.fuel_yuan_per_unit for e in kit.items if e.fuel_yuan_per_unit > 0
    )
    return {
        "equipment": kit.names,
        "energy_kwh": round(fuel_kwh + elec_kwh, 1),
        "cost_yuan": round(fuel_cost + elec_kwh * ELECTRICITY_YUAN_PER_KWH, 1),
        "capital_yuan": round(kit.capital_yuan, 0),
    }


def simulate(
    weather_path: str | Path,
    policy: str,
    stage: str = "fruiting",
    report_path: str | Path | None = None,
    progress: Progress | None = None,
    equipment: str | None = None,
    forecast_path: str | Path | None = None,
) -> dict[str, object]:
    """Read a weather file, run a policy, return (and optionally write) the metrics JSON."""
    trace = read_weather(weather_path)
    forecast = read_weather(forecast_path) if forecast_path else None
    metrics = run_trace(
        trace, policy, stage, progress=progress, equipment=equipment, forecast=forecast
    ).metrics
    metrics["weather"] = str(weather_path)
    if report_path is not None:
        Path(report_path).write_text(
            json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return metrics
