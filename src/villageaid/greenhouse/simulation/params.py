"""Parameters of the single-zone morel tunnel model.

Every field carries its basis from docs/domain/greenhouse.md: [S] sourced there, [D] derived
from sourced inputs (method given), [E] engineering estimate to be replaced by measurement.
`describe_parameters()` lists them for reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _p(value: float, source: str) -> float:
    return field(default=value, metadata={"source": source})


@dataclass(frozen=True)
class TunnelParams:
    """An 8 m × 60 m single-film plastic arch tunnel with 90 % shade net (greenhouse.md §3.3)."""

    floor_area_m2: float = _p(480.0, "[S] §3.3 given 8 m × 60 m")
    cover_area_m2: float = _p(700.0, "[D] §3.3 half-ellipse arch, 3 m rise [E]")
    mean_height_m: float = _p(2.4, "[D] §3.3 V/A_f = 1,130 m³ / 480 m²")
    # --- heat ---
    air_heat_capacity: float = _p(
        20000.0,
        "[E] J m⁻² K⁻¹: between ρc_p·h = 2,880 (air only) and Van Henten's 30,000 [S], "
        "lower than Van Henten because the soil is a separate node (§3.2)",
    )
    film_u_ref: float = _p(6.1, "[S] W m⁻² K⁻¹ Van Henten c_ai_ou at reference wind 3 m/s (§3.3)")
    film_u_wind_slope: float = _p(
        0.083,
        "[D] per m/s relative slope from Mihara & Hayashi k = 4.87 + 0.54·u: 0.54/6.49 (§3.3)",
    )
    film_tau: float = _p(0.8, "[S]/[E] §3.3 τ 0.85 new film, 0.7–0.8 aged; §3.4 uses 0.8")
    shade_tau: float = _p(0.10, "[S] §3.3 morel practice 90–95 % shading; 90 % used")
    solar_to_air: float = _p(
        0.35,
        "[E] share of transmitted short-wave convected to air by film, net and frame; "
        "§3.2 gives 0.3–0.5 for moist bare beds",
    )
    solar_to_soil: float = _p(0.55, "[E] share absorbed by dark wet beds (albedo ≈ 0.15, rest)")
    soil_air_h: float = _p(7.0, "[E] W m⁻² K⁻¹ soil–air convection + radiation exchange")
    soil_top_capacity: float = _p(2.5e5, "[E] J m⁻² K⁻¹: 0.10 m moist loam at 2.5 MJ m⁻³ K⁻¹")
    soil_top_deep_k: float = _p(
        4.25, "[D] W m⁻² K⁻¹: conductivity 0.85 W m⁻¹ K⁻¹ [S Vanthoor, §3.2] over 0.20 m"
    )
    soil_deep_capacity: float = _p(1.25e6, "[E] J m⁻² K⁻¹: 0.5 m layer at 2.5 MJ m⁻³ K⁻¹")
    soil_deep_boundary_k: float = _p(1.7, "[D] 0.85 W m⁻¹ K⁻¹ over 0.5 m to the 1 m boundary")
    soil_boundary_temp_c: float = _p(
        9.0, "[E] °C at 1 m depth in spring, below the 12.2 °C annual mean (§4.1)"
    )
    rho_cp_air: float = _p(1200.0, "[S] J m⁻³ K⁻¹, Vanthoor 1.2 kg m⁻³ × 1,000 J kg⁻¹ K⁻¹")
    # --- vapour ---
    soil_evap_k: float = _p(3.6e-3, "[S] m s⁻¹ Van Henten transfer coefficient (§3.2)")
    soil_wet_fraction: float = _p(0.4, "[E] wet share of the bed surface under morel culture")
    # --- ventilation ---
    vent_length_m: float = _p(60.0, "[S] §3.3 roll-up sides along both 60 m walls")
    vent_sides: int = 2
    vent_max_height_m: float = _p(0.8, "[S] §2.3/§3.3 fully rolled side = 0.8 m")
    vent_cd: float = _p(0.75, "[S] Vanthoor discharge coefficient (§3.3)")
    vent_cw: float = _p(0.09, "[S] Vanthoor wind pressure coefficient (§3.3)")
    leak_coeff: float = _p(1e-4, "[S] Vanthoor c_leak, leakage = c_leak × wind (§3.2)")
    leak_min_wind: float = _p(0.25, "[S] Vanthoor floor at wind < 0.25 m/s (§3.2)")
    vent_travel_s: float = _p(180.0, "[E] s for a roll-up motor to travel 0 → 100 %")
    # --- actuators ---
    mist_flow_l_min: float = _p(
        1.2, "[E] L/min for the whole house: 2 lines × 60 nozzles × 10 mL/min micro-spray"
    )
    mist_evap_fraction: float = _p(
        0.7, "[E] share of mist that evaporates in air before reaching the beds"
    )
    fan_flow_m3_s: float = _p(0.0, "[E] optional exhaust fan; 0 = no fan installed")

    @property
    def volume_m3(self) -> float:
        return self.floor_area_m2 * self.mean_height_m


def describe_parameters(params: TunnelParams | None = None) -> list[dict[str, object]]:
    """Name, value and basis of every parameter, for reports and the docs."""
    params = params or TunnelParams()
    return [
        {"name": f.name, "value": getattr(params, f.name), "source": f.metadata.get("source", "")}
        for f in fields(params)
    ]
