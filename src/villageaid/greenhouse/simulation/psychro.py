"""Psychrometric helpers (Tetens / FAO-56 saturation vapour pressure)."""

from __future__ import annotations

import math

R_VAPOUR = 461.5  # J kg⁻¹ K⁻¹, specific gas constant of water vapour
LATENT_HEAT = 2.45e6  # J kg⁻¹, latent heat of vaporisation near 15 °C (FAO-56)


def sat_vapour_pressure(temp_c: float) -> float:
    """Saturation vapour pressure in Pa (Tetens form used by FAO-56)."""
    return 610.8 * math.exp(17.27 * temp_c / (temp_c + 237.3))


def sat_abs_humidity(temp_c: float) -> float:
    """Saturation absolute humidity in kg m⁻³."""
    return sat_vapour_pressure(temp_c) / (R_VAPOUR * (temp_c + 273.15))


def abs_humidity(temp_c: float, rh_pct: float) -> float:
    """Absolute humidity (kg m⁻³) of air at a temperature and relative humidity."""
    return rh_pct / 100.0 * sat_abs_humidity(temp_c)


def rel_humidity(temp_c: float, x_kg_m3: float) -> float:
    """Relative humidity (%) of air holding x kg m⁻³ of vapour."""
    return 100.0 * x_kg_m3 / sat_abs_humidity(temp_c)
