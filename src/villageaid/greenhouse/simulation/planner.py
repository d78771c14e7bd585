"""Receding-horizon search over the tunnel model, shared by the oracle and the MPC policy.

Every `interval` the planner tries each candidate action (held for the interval) on a copy of the
model state, continues each with a fixed rule for the rest of the horizon, and keeps the action
whose rollout has the lowest out-of-band score (INTERFACES §5 `oob_score`) plus a tiny energy
term. The candidates are simulated together (numpy over the candidate axis) with the same
equations as `model.TunnelModel.step`, at a coarser step. With the true trace as the weather this
is the oracle (perfect foresight); with a forecast it is model-predictive control. The chosen
action is then applied to the real model minute by minute. See docs/decisions/0009.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from villageaid.greenhouse.simulation.equipment import EquipmentSet
from villageaid.greenhouse.simulation.model import (
    GRAVITY,
    ActuatorTargets,
    TunnelState,
)
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.psychro import LATENT_HEAT, R_VAPOUR
from villageaid.greenhouse.stages import StageBand

RH_WEIGHT = 1.0 / 5.0  # INTERFACES §5: RH point-hours count one fifth of a kelvin-hour
ENERGY_WEIGHT = 2e-4  # oob points per kWh: only breaks ties in favour of less fuel


def _sat_x(temp: np.ndarray) -> np.ndarray:
    return 610.8 * np.exp(17.27 * temp / (temp + 237.3)) / (R_VAPOUR * (temp + 273.15))


@dataclass(frozen=True)
class Weather:
    """Weather arrays at the planner step (°C, %, m/s, W/m²)."""

    temp_c: np.ndarray
    rh_pct: np.ndarray
    wind_ms: np.ndarray
    ghi_wm2: np.ndarray


def candidate_actions(equipment: EquipmentSet) -> list[ActuatorTargets]:
    heaters = (False, True) if equipment.heater_kw > 0 else (False,)
    blankets = (False, True) if equipment.blanket_u_factor < 1.0 else (False,)
    out = []
    for vent, mist, shade, heat, blanket in itertools.product(
        (0.0, 5.0, 15.0, 40.0, 100.0), (0.0, 30.0, 60.0), (True, False), heaters, blankets
    ):
        if blanket and (not shade or vent > 5.0):
            continue  # the quilt goes down over a shaded, closed house only
        out.append(ActuatorTargets(vent, mist, shade, False, heat, blanket))
    return out


class BatchModel:
    """The tunnel equations over an array of candidate states (no ledger)."""

    def __init__(self, params: TunnelParams, equipment: EquipmentSet) -> None:
        self.p = params
        self.e = equipment

    def step(
        self,
        st: dict[str, np.ndarray],
        act: dict[str, np.ndarray],
        w: tuple[float, float, float, float],
        dt: float,
    ) -> None:
        p = self.p
        t_o, rh_o, wind, ghi = w
        move = 100.0 * dt / p.vent_travel_s
        st["vent"] = st["vent"] + np.clip(act["vent"] - st["vent"], -move, move)
        x_o = rh_o / 100.0 * float(_sat_x(np.array(t_o)))
        blanket = act["blanket"]
        sun = max(ghi, 0.0) * p.film_tau * np.where(act["shade"], p.shade_tau, 1.0)
        sun = np.where(blanket, 0.0, sun)
        temp, x = st["temp"], st["x"]
        height = p.vent_max_height_m * st["vent"] / 100.0
        area = p.vent_sides * p.vent_length_m * height
        stack = GRAVITY * height * np.abs(temp - t_o) / (2.0 * (0.5 * (temp + t_o) + 273.15))
        g_v = p.leak_coeff * max(wind, p.leak_min_wind) + p.vent_cd * area / (
            2.0 * p.floor_area_m2
        ) * np.sqrt(stack + p.vent_cw * wind * wind)
        e_mist = (
            p.mist_flow_l_min / 60.0 / p.floor_area_m2 * act["mist"] / 60.0 * p.mist_evap_fraction
        )
        k = p.soil_evap_k * p.soil_wet_fraction
        xs_soil = _sat_x(st["soil"])
        rate = (k + g_v) / p.mean_height_m
        x_eq = (k * xs_soil + e_mist + g_v * x_o) / (k + g_v)
        decay = np.exp(-rate * dt)
        x_end = x_eq + (x - x_eq) * decay
        x_mean = x_eq + (x - x_eq) * (1.0 - decay) / (rate * dt)
        e_soil = k * (xs_soil - x_mean)
        u_film = (
            p.film_u_ref
            * (1.0 + p.film_u_wind_slope * (wind - 3.0))
            * p.cover_area_m2
            / p.floor_area_m2
        )
        u_cover = np.where(blanket, u_film * self.e.blanket_u_factor, u_film)
        q_heat = np.where(act["heat"], self.e.heater_kw * 1000.0 / p.floor_area_m2, 0.0)
        vent_h = p.rho_cp_air * g_v
        b = p.soil_air_h + u_cover + vent_h
        a = (
            p.solar_to_air * sun
            + q_heat
            + p.soil_air_h * st["soil"]
            + (u_cover + vent_h) * t_o
            - LATENT_HEAT * e_mist
        )
        eq = a / b
        r = b / p.air_heat_capacity * dt
        dec = np.exp(-r)
        t_end = eq + (temp - eq) * dec
        t_mean = eq + (temp - eq) * (1.0 - dec) / r
        soil, deep = st["soil"], st["deep"]
        to_deep = p.soil_top_deep_k * (soil - deep)
        flux = (
            p.solar_to_soil * sun - p.soil_air_h * (soil - t_mean) - LATENT_HEAT * e_soil - to_deep
        )
        st["soil"] = soil + flux * dt / p.soil_top_capacity
        st["deep"] = (
            deep
            + (to_deep - p.soil_deep_boundary_k * (deep - p.soil_boundary_temp_c))
            * dt
            / p.soil_deep_capacity
        )
        # condensation: clamp at saturation, one linearised pass
        surplus = x_end - _sat_x(t_end)
        heat_per_kg = LATENT_HEAT * p.mean_height_m / p.air_heat_capacity
        dxs = (_sat_x(t_end + 0.01) - _sat_x(t_end)) / 0.01
        cond = np.where(surplus > 0, surplus / (1.0 + heat_per_kg * dxs), 0.0)
        st["x"] = x_end - cond
        st["temp"] = t_end + cond * heat_per_kg


@dataclass(frozen=True)
class Prediction:
    """What the chosen plan's rollout expects over the horizon (for the command reasons)."""

    hours: float
    temp_min_c: float
    temp_max_c: float
    rh_min_pct: float
    rh_max_pct: float
    oob_score: float


def oob_rate(temp: np.ndarray, rh: np.ndarray, band: StageBand) -> np.ndarray:
    """Instantaneous oob score per hour: K outside the band + RH points outside / 5."""
    k = np.maximum(temp - band.temp_max_c, 0.0) + np.maximum(band.temp_min_c - temp, 0.0)
    r = np.maximum(rh - band.rh_max_pct, 0.0) + np.maximum(band.rh_min_pct - rh, 0.0)
    return k + RH_WEIGHT * r


class RecedingHorizon:
    """Choose an action every `interval_min` by rolling candidates out over `horizon_min`."""

    def __init__(
        self,
        params: TunnelParams,
        equipment: EquipmentSet,
        band: StageBand,
        *,
        interval_min: int = 10,
        horizon_min: int = 360,
        step_min: int = 5,
    ) -> None:
        self.model = BatchModel(params, equipment)
        self.equipment = equipment
        self.band = band
        self.interval = interval_min
        self.horizon = horizon_min
        self.step = step_min
        self.actions = candidate_actions(equipment)
        n = len(self.actions)
        self._first = {
            "vent": np.array([a.vent_pct for a in self.actions]),
            "mist": np.array([a.mist_s for a in self.actions]),
            "shade": np.array([a.shade_on for a in self.actions]),
            "heat": np.array([a.heater_on for a in self.actions]),
            "blanket": np.array([a.blanket_on for a in self.actions]),
        }
        self._n = n
        self._heat_kw = equipment.heater_kw
        self.last_prediction: Prediction | None = None

    def _rule(self, st: dict[str, np.ndarray], ghi: float) -> dict[str, np.ndarray]:
        """The continuation after the first interval: a plain feedback rule on the stage
        table's band and its vent-opening threshold (stages.py)."""
        b = self.band
        temp = st["temp"]
        rh = 100.0 * st["x"] / _sat_x(temp)
        vent = np.where(temp > b.temp_max_c - 1.0, 40.0, np.where(temp > b.vent_open_c, 10.0, 0.0))
        vent = np.where((rh > b.rh_max_pct - 1.0) & (temp > b.temp_min_c + 2.0), 15.0, vent)
        mist = np.where(
            rh < b.rh_min_pct + 8.0, 60.0, np.where(rh < b.rh_min_pct + 12.0, 30.0, 0.0)
        )
        mist = np.where(rh > b.rh_max_pct - 3.0, 0.0, mist)
        mid = 0.5 * (b.temp_min_c + b.temp_max_c)
        shade = ~((temp < mid - 2.0) & (ghi > 100.0))
        heat = (temp < b.temp_min_c + 0.5) & (self._heat_kw > 0)
        blanket = (ghi < 5.0) & (self.equipment.blanket_u_factor < 1.0) & (temp < b.temp_max_c - 2)
        return {"vent": vent, "mist": mist, "shade": shade, "heat": heat, "blanket": blanket}

    def choose(self, state: TunnelState, weather: Weather) -> ActuatorTargets:
        """The best first action given the weather from now on (arrays at `step_min`)."""
        n = self._n
        st = {
            "temp": np.full(n, state.air_temp_c),
            "x": np.full(n, state.air_x),
            "soil": np.full(n, state.soil_temp_c),
            "deep": np.full(n, state.deep_temp_c),
            "vent": np.full(n, state.vent_pct),
        }
        dt = self.step * 60.0
        steps = min(len(weather.temp_c), self.horizon // self.step)
        first = self.interval // self.step
        cost = np.zeros(n)
        lo_t, hi_t = np.full(n, np.inf), np.full(n, -np.inf)
        lo_rh, hi_rh = np.full(n, np.inf), np.full(n, -np.inf)
        for i in range(steps):
            w = (
                float(weather.temp_c[i]),
                float(weather.rh_pct[i]),
                float(weather.wind_ms[i]),
                float(weather.ghi_wm2[i]),
            )
            act = self._first if i < first else self._rule(st, w[3])
            self.model.step(st, act, w, dt)
            rh = 100.0 * st["x"] / _sat_x(st["temp"])
            cost += oob_rate(st["temp"], rh, self.band) * dt / 3600.0
            cost += ENERGY_WEIGHT * np.where(act["heat"], self._heat_kw, 0.0) * dt / 3600.0
            np.minimum(lo_t, st["temp"], out=lo_t)
            np.maximum(hi_t, st["temp"], out=hi_t)
            np.minimum(lo_rh, rh, out=lo_rh)
            np.maximum(hi_rh, rh, out=hi_rh)
        best = int(np.argmin(cost))
        if steps:
            self.last_prediction = Prediction(
                hours=steps * self.step / 60.0,
                temp_min_c=float(lo_t[best]),
                temp_max_c=float(hi_t[best]),
                rh_min_pct=float(lo_rh[best]),
                rh_max_pct=float(hi_rh[best]),
                oob_score=float(cost[best]),
            )
        return self.actions[best]
