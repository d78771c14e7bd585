"""The weather a house controller plans on: the park's forecast file, or persistence plus the
diurnal cycle of the last day (issue 23, docs/decisions/0009-greenhouse-oracle.md).

`OutdoorHistory` keeps what the weather station reported (time-stamped, any tick length);
`planning_weather` turns it, or a forecast trace, into the planner's arrays.
"""

from __future__ import annotations

import bisect
import math
from datetime import datetime

import numpy as np

from villageaid.greenhouse.simulation.model import Outdoor
from villageaid.greenhouse.simulation.planner import Weather
from villageaid.greenhouse.simulation.weather import CST, WEIHAI_LAT, WEIHAI_LON, WeatherTrace

DAY_S = 86400.0
FORECAST_DECAY_H = 6.0  # today's anomaly against yesterday fades with this time constant [E]
CLEAR_SKY_FRACTION = 0.6  # [D] greenhouse.md §4.3: Feb–May global ≈ 0.55–0.6 of clear sky
DEFAULT_WIND_MS = 5.0  # [E] greenhouse.md §4.2 spring mean wind, when no anemometer reports


def clear_sky_ghi(ts: float) -> float:
    """A rough global irradiance for a Weihai instant when no pyranometer reports (W/m²).

    Solar elevation from the declination and the local solar hour (122.1 °E), times a
    1,000 W/m² clear sky reduced by the spring sunshine fraction (§4.3)."""
    when = datetime.fromtimestamp(ts, CST)
    day = when.timetuple().tm_yday
    decl = math.radians(23.44) * math.sin(2 * math.pi * (284 + day) / 365.0)
    solar_h = when.hour + when.minute / 60.0 + (WEIHAI_LON - 120.0) / 15.0
    hour_angle = math.radians(15.0 * (solar_h - 12.0))
    lat = math.radians(WEIHAI_LAT)
    sin_elev = math.sin(lat) * math.sin(decl) + math.cos(lat) * math.cos(decl) * math.cos(
        hour_angle
    )
    if sin_elev <= 0:
        return 0.0
    return 1000.0 * CLEAR_SKY_FRACTION * sin_elev**1.15


class OutdoorHistory:
    """The weather station's readings of the last day and a half, time-stamped (s)."""

    def __init__(self, keep_s: float = 1.5 * DAY_S) -> None:
        self.keep_s = keep_s
        self.times: list[float] = []
        self.values: list[Outdoor] = []

    def add(self, ts: float, outdoor: Outdoor) -> None:
        if self.times and ts <= self.times[-1]:
            return
        self.times.append(ts)
        self.values.append(outdoor)
        if ts - self.times[0] > self.keep_s + 3600.0:
            cut = bisect.bisect_left(self.times, ts - self.keep_s)
            del self.times[:cut]
            del self.values[:cut]

    def at(self, ts: float) -> Outdoor:
        """The last reading at or before ts (the first one if ts is older)."""
        i = bisect.bisect_right(self.times, ts) - 1
        return self.values[max(i, 0)]

    def persistence_diurnal(self, steps: int, step_s: float) -> Weather:
        """Yesterday at the same hour plus today's anomaly, fading; persistence before that."""
        now_ts, now = self.times[-1], self.values[-1]
        out = np.empty((4, steps))
        have_day = now_ts - self.times[0] >= DAY_S
        then = self.at(now_ts - DAY_S) if have_day else now
        # before a day of history: the sun follows the clear-sky course, scaled by how
        # bright it is now against it (persistence of cloudiness)
        clear_now = clear_sky_ghi(now_ts)
        cloud = min(1.5, now.ghi_wm2 / clear_now) if clear_now > 50.0 else 1.0
        for k in range(steps):
            lead = k * step_s
            if not have_day:
                sun = clear_sky_ghi(now_ts + lead) * cloud
                out[:, k] = (now.temp_c, now.rh_pct, now.wind_ms, sun)
                continue
            ahead = self.at(now_ts - DAY_S + lead) if lead < DAY_S else now
            fade = math.exp(-lead / 3600.0 / FORECAST_DECAY_H)
            out[0, k] = ahead.temp_c + (now.temp_c - then.temp_c) * fade
            out[1, k] = min(100.0, max(0.0, ahead.rh_pct + (now.rh_pct - then.rh_pct) * fade))
            out[2, k] = max(0.0, ahead.wind_ms + (now.wind_ms - then.wind_ms) * fade)
            out[3, k] = ahead.ghi_wm2
        return Weather(out[0], out[1], out[2], out[3])


def from_forecast(forecast: WeatherTrace, ts: float, steps: int, step_s: float) -> Weather | None:
    """The forecast file's values from ts on at the planner step; None if it does not cover ts."""
    if len(forecast) < 2 or ts < forecast.t[0] or ts > forecast.t[-1]:
        return None
    times = ts + step_s * np.arange(steps)
    times = times[times <= forecast.t[-1]]
    return Weather(
        np.interp(times, forecast.t, forecast.air_temp_c),
        np.interp(times, forecast.t, forecast.rh_pct),
        np.interp(times, forecast.t, forecast.wind_ms),
        np.interp(times, forecast.t, forecast.ghi_wm2),
    )
