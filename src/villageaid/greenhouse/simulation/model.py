"""Single-zone plastic-tunnel climate model (greenhouse.md §3.2).

States: air temperature, air absolute humidity, bed-surface soil temperature, deep soil
temperature, and the actual roll-up vent position. Per m² floor:

    C_a dT/dt  = Q_sun,air + h_sa (T_s − T) − U(u) A_c/A_f (T − T_o) − ρc_p g_v (T − T_o)
                 − L E_mist + L·condensation
    h dx/dt    = E_soil + E_mist − g_v (x − x_o) − condensation
    C_s dT_s/dt = Q_sun,soil − h_sa (T_s − T) − L E_soil − k_sd (T_s − T_d)
    C_d dT_d/dt = k_sd (T_s − T_d) − k_b (T_d − T_b)

Air temperature and humidity are linear in their own state over one step and are integrated
exactly (exponential Euler), so a fully open house in a gale stays stable at a 1-minute step.
Fluxes are evaluated on the step-mean state, which keeps the energy and water ledgers exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from villageaid.greenhouse.simulation.equipment import EquipmentSet
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.psychro import (
    LATENT_HEAT,
    abs_humidity,
    rel_humidity,
    sat_abs_humidity,
)

GRAVITY = 9.81


@dataclass(frozen=True)
class Outdoor:
    """Outdoor conditions for one step."""

    temp_c: float
    rh_pct: float
    wind_ms: float
    ghi_wm2: float


@dataclass(frozen=True)
class ActuatorTargets:
    """What the policy asks for; the vent then moves at its limited rate."""

    vent_pct: float = 0.0
    mist_s: float = 0.0  # seconds of spray per minute (timed pulse); 60 = continuous
    shade_on: bool = True
    fan_on: bool = False
    heater_on: bool = False
    blanket_on: bool = False

    @property
    def mist_on(self) -> bool:
        return self.mist_s > 0.0


@dataclass
class Ledger:
    """Integrated fluxes per m² floor (J or kg) since the start, for conservation checks."""

    solar_air_j: float = 0.0
    solar_soil_j: float = 0.0
    cover_loss_j: float = 0.0
    vent_heat_loss_j: float = 0.0
    soil_to_air_j: float = 0.0
    mist_cooling_j: float = 0.0
    condensation_heat_j: float = 0.0
    soil_evap_kg: float = 0.0
    mist_evap_kg: float = 0.0
    vent_vapour_loss_kg: float = 0.0
    condensed_kg: float = 0.0
    mist_water_l: float = 0.0
    heater_j: float = 0.0  # heat delivered to the air
    heater_s: float = 0.0  # seconds the heater ran
    mist_s: float = 0.0  # seconds of spray


@dataclass
class TunnelState:
    air_temp_c: float
    air_x: float
    soil_temp_c: float
    deep_temp_c: float
    vent_pct: float = 0.0
    mist_s: float = 0.0
    shade_on: bool = True
    fan_on: bool = False
    heater_on: bool = False
    blanket_on: bool = False

    @property
    def rh_pct(self) -> float:
        return rel_humidity(self.air_temp_c, self.air_x)


def vent_flux(
    params: TunnelParams, opening_pct: float, wind_ms: float, delta_t_k: float, mean_t_c: float
) -> float:
    """Roll-up side ventilation in m³ m⁻² s⁻¹ (Boulard & Baille form, greenhouse.md §3.2).

    g = C_d·A/(2·A_f)·sqrt(g·h·|ΔT|/(2·T̄) + C_w·u²), A = open area of both sides, h = opening
    height. With no temperature difference this is Vanthoor's wind-driven side-vent formula.
    """
    height = params.vent_max_height_m * max(0.0, min(100.0, opening_pct)) / 100.0
    if height <= 0.0:
        return 0.0
    area = params.vent_sides * params.vent_length_m * height
    stack = GRAVITY * height * abs(delta_t_k) / (2.0 * (mean_t_c + 273.15))
    wind = params.vent_cw * wind_ms * wind_ms
    return params.vent_cd * area / (2.0 * params.floor_area_m2) * math.sqrt(stack + wind)


def leak_flux(params: TunnelParams, wind_ms: float) -> float:
    """Leakage in m³ m⁻² s⁻¹ (Vanthoor: c_leak × wind with a floor at low wind)."""
    return params.leak_coeff * max(wind_ms, params.leak_min_wind)


def air_changes_per_hour(params: TunnelParams, flux_m3_m2_s: float) -> float:
    return flux_m3_m2_s * 3600.0 / params.mean_height_m


def film_u(params: TunnelParams, wind_ms: float) -> float:
    """Cover heat transfer per m² cover, rising with wind (Mihara & Hayashi shape, §3.3)."""
    return params.film_u_ref * (1.0 + params.film_u_wind_slope * (wind_ms - 3.0))


def _relax(x0: float, eq: float, rate: float, dt: float) -> tuple[float, float]:
    """Exact solution of dx/dt = rate·(eq − x): (end value, step-mean value)."""
    if rate * dt < 1e-9:
        return x0, x0
    decay = math.exp(-rate * dt)
    end = eq + (x0 - eq) * decay
    mean = eq + (x0 - eq) * (1.0 - decay) / (rate * dt)
    return end, mean


@dataclass
class TunnelModel:
    params: TunnelParams
    state: TunnelState
    ledger: Ledger = field(default_factory=Ledger)
    equipment: EquipmentSet = field(default_factory=EquipmentSet)

    @classmethod
    def start(
        cls,
        params: TunnelParams,
        outdoor: Outdoor,
        soil_temp_c: float,
        rh_pct: float = 80.0,
        equipment: EquipmentSet | None = None,
    ) -> TunnelModel:
        """A closed house whose air sits between the soil and outdoor temperature."""
        air = 0.5 * (soil_temp_c + outdoor.temp_c)
        state = TunnelState(
            air_temp_c=air,
            air_x=abs_humidity(air, rh_pct),
            soil_temp_c=soil_temp_c,
            deep_temp_c=0.5 * (soil_temp_c + params.soil_boundary_temp_c),
        )
        return cls(params=params, state=state, equipment=equipment or EquipmentSet())

    def _move_actuators(self, targets: ActuatorTargets, dt: float) -> None:
        s = self.state
        max_move = 100.0 * dt / self.params.vent_travel_s
        wanted = max(0.0, min(100.0, targets.vent_pct))
        s.vent_pct += max(-max_move, min(max_move, wanted - s.vent_pct))
        s.mist_s = max(0.0, min(60.0, targets.mist_s))
        s.shade_on = targets.shade_on
        s.fan_on = targets.fan_on
        s.heater_on = targets.heater_on and self.equipment.heater_kw > 0
        s.blanket_on = targets.blanket_on and self.equipment.blanket_u_factor < 1.0

    def step(self, outdoor: Outdoor, targets: ActuatorTargets, dt: float = 60.0) -> None:
        """Advance the model by dt seconds under the given weather and actuator targets."""
        self._move_actuators(targets, dt)
        p, s, led = self.params, self.state, self.ledger
        t_o = outdoor.temp_c
        x_o = abs_humidity(t_o, min(100.0, max(0.0, outdoor.rh_pct)))
        ghi = max(0.0, outdoor.ghi_wm2)
        inside_sun = ghi * p.film_tau * (p.shade_tau if s.shade_on else 1.0)
        if s.blanket_on:
            inside_sun = 0.0  # the quilt is opaque
        q_sun_air = p.solar_to_air * inside_sun
        q_sun_soil = p.solar_to_soil * inside_sun
        g_v = (
            leak_flux(p, outdoor.wind_ms)
            + vent_flux(
                p, s.vent_pct, outdoor.wind_ms, s.air_temp_c - t_o, 0.5 * (s.air_temp_c + t_o)
            )
            + (p.fan_flow_m3_s / p.floor_area_m2 if s.fan_on else 0.0)
        )
        mist_kg_s = p.mist_flow_l_min / 60.0 / p.floor_area_m2 * s.mist_s / 60.0
        e_mist = mist_kg_s * p.mist_evap_fraction
        # vapour: h dx/dt = k (x_sat(T_s) − x) + E_mist − g_v (x − x_o)
        k = p.soil_evap_k * p.soil_wet_fraction
        xs_soil = sat_abs_humidity(s.soil_temp_c)
        x_rate = (k + g_v) / p.mean_height_m
        x_eq = (k * xs_soil + e_mist + g_v * x_o) / (k + g_v)
        x_end, x_mean = _relax(s.air_x, x_eq, x_rate, dt)
        e_soil = k * (xs_soil - x_mean)
        # heat: C dT/dt = a − b T
        u_cover = film_u(p, outdoor.wind_ms) * p.cover_area_m2 / p.floor_area_m2
        if s.blanket_on:
            u_cover *= self.equipment.blanket_u_factor
        q_heat = self.equipment.heater_kw * 1000.0 / p.floor_area_m2 if s.heater_on else 0.0
        vent_h = p.rho_cp_air * g_v
        b = p.soil_air_h + u_cover + vent_h
        a = q_sun_air + q_heat + p.soil_air_h * s.soil_temp_c + (u_cover + vent_h) * t_o
        a -= LATENT_HEAT * e_mist
        t_end, t_mean = _relax(s.air_temp_c, a / b, b / p.air_heat_capacity, dt)
        led.solar_air_j += q_sun_air * dt
        led.solar_soil_j += q_sun_soil * dt
        led.cover_loss_j += u_cover * (t_mean - t_o) * dt
        led.vent_heat_loss_j += vent_h * (t_mean - t_o) * dt
        led.soil_to_air_j += p.soil_air_h * (s.soil_temp_c - t_mean) * dt
        led.mist_cooling_j += LATENT_HEAT * e_mist * dt
        led.soil_evap_kg += e_soil * dt
        led.mist_evap_kg += e_mist * dt
        led.vent_vapour_loss_kg += g_v * (x_mean - x_o) * dt
        led.mist_water_l += mist_kg_s * p.floor_area_m2 * dt
        led.heater_j += q_heat * p.floor_area_m2 * dt
        led.heater_s += dt if s.heater_on else 0.0
        led.mist_s += s.mist_s / 60.0 * dt
        # soil layers (explicit: time constants are hours)
        soil_to_air = p.soil_air_h * (s.soil_temp_c - t_mean)
        to_deep = p.soil_top_deep_k * (s.soil_temp_c - s.deep_temp_c)
        to_boundary = p.soil_deep_boundary_k * (s.deep_temp_c - p.soil_boundary_temp_c)
        soil_flux = q_sun_soil - soil_to_air - LATENT_HEAT * e_soil - to_deep
        s.soil_temp_c += soil_flux * dt / p.soil_top_capacity
        s.deep_temp_c += (to_deep - to_boundary) * dt / p.soil_deep_capacity
        s.air_temp_c, s.air_x = t_end, x_end
        self._condense()

    def _condense(self) -> None:
        """Clamp at 100 % RH: surplus vapour condenses and releases its latent heat to the air."""
        p, s, led = self.params, self.state, self.ledger
        for _ in range(3):
            surplus = s.air_x - sat_abs_humidity(s.air_temp_c)
            if surplus <= 0.0:
                return
            # linearised so that the warmed air is just saturated
            dxs_dt = sat_abs_humidity(s.air_temp_c + 0.01) - sat_abs_humidity(s.air_temp_c)
            heat_per_kg = LATENT_HEAT * p.mean_height_m / p.air_heat_capacity
            condensed = surplus / (1.0 + heat_per_kg * dxs_dt / 0.01)
            s.air_x -= condensed
            s.air_temp_c += condensed * heat_per_kg
            led.condensed_kg += condensed * p.mean_height_m
            led.condensation_heat_j += condensed * p.mean_height_m * LATENT_HEAT


def water_to_hold_rh(
    params: TunnelParams,
    ach: float,
    inside_temp_c: float,
    inside_rh_pct: float,
    outdoor_temp_c: float,
    outdoor_rh_pct: float,
) -> float:
    """kg/h of evaporated water that replaces what `ach` air changes carry out (§3.4 table)."""
    delta_x = abs_humidity(inside_temp_c, inside_rh_pct) - abs_humidity(
        outdoor_temp_c, outdoor_rh_pct
    )
    return ach * params.volume_m3 * delta_x
