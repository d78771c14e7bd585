"""Weather traces: a Weihai spring generator and a reader for INTERFACES §5 CSV files.

The generator turns the monthly working normals of greenhouse.md §4.2 into daily extremes with
persistent anomalies, shapes each day with a cosine diurnal cycle (minimum at sunrise, maximum at
14:00, §4.4), keeps absolute humidity constant through the day so RH moves against temperature,
and computes GHI from pvlib solar geometry (Ineichen clear sky) reduced by a daily cloud cover.
A few deliberately hard days are written in (§4.5): a March cold snap, a dry April gale, a warm
late-April spell.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from villageaid.greenhouse.simulation.psychro import sat_vapour_pressure

WEIHAI_LAT = 37.5
WEIHAI_LON = 122.1
WEIHAI_ALT_M = 50.0
CST = timezone(timedelta(hours=8))
COLUMNS = ("ts", "air_temp_c", "rh_pct", "wind_ms", "ghi_wm2")
SHIPPED_TRACE = Path(__file__).resolve().parent.parent / "data" / "weihai_mar_apr.csv"

# month: (mean max °C, mean min °C, RH %, wind m/s, sunshine fraction) — greenhouse.md §4.2/§4.3
MONTHLY_NORMALS: dict[int, tuple[float, float, float, float, float]] = {
    2: (4.5, -2.0, 62.0, 5.0, 0.59),
    3: (9.0, 1.5, 62.0, 5.0, 0.59),
    4: (15.0, 7.5, 65.0, 5.0, 0.62),
    5: (20.5, 13.0, 70.0, 4.5, 0.62),
}
LINKE_TURBIDITY = 3.5  # [E] spring haze over the Shandong coast; pvlib's table was not checked


@dataclass(frozen=True)
class WeatherTrace:
    """A weather series at a fixed step; times are POSIX seconds."""

    t: np.ndarray
    air_temp_c: np.ndarray
    rh_pct: np.ndarray
    wind_ms: np.ndarray
    ghi_wm2: np.ndarray
    step_s: int

    def __len__(self) -> int:
        return len(self.t)

    @property
    def start(self) -> datetime:
        return datetime.fromtimestamp(float(self.t[0]), CST)

    def to_minutes(self) -> WeatherTrace:
        """Linearly interpolated to a 1-minute step (the model's step)."""
        t = np.arange(self.t[0], self.t[-1] + 1, 60.0)
        return WeatherTrace(
            t=t,
            air_temp_c=np.interp(t, self.t, self.air_temp_c),
            rh_pct=np.interp(t, self.t, self.rh_pct),
            wind_ms=np.interp(t, self.t, self.wind_ms),
            ghi_wm2=np.interp(t, self.t, self.ghi_wm2),
            step_s=60,
        )

    def daily_max(self) -> dict[date, float]:
        """Maximum air temperature per local day (used as the villager's 'forecast')."""
        days = [datetime.fromtimestamp(float(x), CST).date() for x in self.t]
        out: dict[date, float] = {}
        for day, temp in zip(days, self.air_temp_c, strict=True):
            out[day] = max(out.get(day, -99.0), float(temp))
        return out


# ---------------------------------------------------------------- generator


@dataclass(frozen=True)
class _Day:
    tmax: float
    tmin: float
    rh: float
    wind: float
    cloud: float


def _normals_for(day: date) -> tuple[float, float, float, float, float]:
    """Monthly normals interpolated linearly between mid-month anchors."""
    mid = date(day.year, day.month, 15)
    other = day.month + (1 if day >= mid else -1)
    other = min(max(other, 2), 5)
    if other == day.month:
        return MONTHLY_NORMALS[day.month]
    other_mid = date(day.year, other, 15)
    w = abs((day - mid).days) / abs((other_mid - mid).days)
    a, b = MONTHLY_NORMALS[day.month], MONTHLY_NORMALS[other]
    return tuple((1 - w) * x + w * y for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _hard_day(day: date) -> _Day | None:
    """Deliberately hard days (§4.5); the same calendar days every year."""
    hard = {
        (3, 10): _Day(3.0, -3.0, 45.0, 7.0, 0.2),  # cold snap, north wind
        (3, 11): _Day(4.0, -2.5, 50.0, 5.0, 0.1),
        (4, 8): _Day(16.0, 6.0, 30.0, 8.0, 0.05),  # dry NW gale, RH 30 %, 8 m/s
        (4, 24): _Day(21.0, 10.0, 55.0, 2.5, 0.05),  # warm spell
        (4, 25): _Day(24.0, 12.0, 50.0, 2.0, 0.0),
        (4, 26): _Day(22.0, 12.5, 55.0, 3.0, 0.1),
    }
    return hard.get((day.month, day.day))


def _daily(start: date, days: int, rng: np.random.Generator) -> list[_Day]:
    out: list[_Day] = []
    anomaly = 0.0
    for i in range(days):
        day = start + timedelta(days=i)
        hard = _hard_day(day)
        if hard is not None:
            out.append(hard)
            anomaly = 0.5 * anomaly
            continue
        tmax, tmin, rh, wind, sun = _normals_for(day)
        anomaly = 0.65 * anomaly + rng.normal(0.0, 2.0)
        cloud = float(np.clip(rng.beta(0.9, 1.2) * 1.15 - 0.05 + 0.4 * (0.6 - sun), 0.0, 1.0))
        spread = (tmax - tmin) * (1.25 - 0.6 * cloud)  # cloudy days have a small range
        mean = 0.5 * (tmax + tmin) + anomaly
        day_rh = float(np.clip(rh + 22.0 * (cloud - 0.45) + rng.normal(0.0, 6.0), 30.0, 92.0))
        day_wind = float(np.clip(wind * rng.gamma(6.0, 1.0 / 6.0), 1.0, 11.0))
        out.append(_Day(mean + spread / 2, mean - spread / 2, day_rh, day_wind, cloud))
    return out


def _cosine(t: float, t0: float, t1: float, v0: float, v1: float) -> float:
    frac = min(1.0, max(0.0, (t - t0) / (t1 - t0)))
    return v0 + (v1 - v0) * (1.0 - math.cos(math.pi * frac)) / 2.0


def _diurnal_temp(hour: float, today: _Day, tomorrow: _Day, sunrise_h: float) -> float:
    if hour < sunrise_h:  # before sunrise: tail of the previous night, approximated by today
        return _cosine(hour + 24.0, 14.0, 24.0 + sunrise_h, today.tmax, today.tmin)
    if hour < 14.0:
        return _cosine(hour, sunrise_h, 14.0, today.tmin, today.tmax)
    return _cosine(hour, 14.0, 24.0 + sunrise_h, today.tmax, tomorrow.tmin)


def _clear_sky_ghi(times: np.ndarray) -> np.ndarray:
    import pandas as pd
    from pvlib import atmosphere, clearsky, solarposition

    index = pd.DatetimeIndex(pd.to_datetime(times, unit="s", utc=True)).tz_convert("Asia/Shanghai")
    pos = solarposition.get_solarposition(index, WEIHAI_LAT, WEIHAI_LON, altitude=WEIHAI_ALT_M)
    airmass = atmosphere.get_relative_airmass(pos["apparent_zenith"])
    pressure = atmosphere.alt2pres(WEIHAI_ALT_M)
    am_abs = atmosphere.get_absolute_airmass(airmass, pressure)
    cs = clearsky.ineichen(pos["apparent_zenith"], am_abs, LINKE_TURBIDITY, altitude=WEIHAI_ALT_M)
    return np.nan_to_num(np.asarray(cs["ghi"], dtype=float), nan=0.0)


def generate_weihai(
    start: date = date(2020, 3, 1),
    end: date = date(2020, 4, 30),
    step_min: int = 10,
    seed: int = 2020,
) -> WeatherTrace:
    """A deterministic synthetic Weihai trace from `start` to `end` inclusive."""
    rng = np.random.default_rng(seed)
    n_days = (end - start).days + 1
    days = _daily(start, n_days + 1, rng)
    t0 = datetime(start.year, start.month, start.day, tzinfo=CST).timestamp()
    t = t0 + np.arange(n_days * 24 * 60 // step_min) * step_min * 60.0
    ghi_clear = _clear_sky_ghi(t)
    temp = np.empty_like(t)
    rh = np.empty_like(t)
    wind = np.empty_like(t)
    ghi = np.empty_like(t)
    noise_t = noise_w = noise_g = 0.0
    for i, ts in enumerate(t):
        d = int((ts - t0) // 86400)
        hour = (ts - t0 - d * 86400) / 3600.0
        today, tomorrow = days[d], days[d + 1]
        sunrise = 6.3 - 0.9 * min(1.0, d / 61.0)  # ≈ 06:20 on 1 March → 05:25 late April
        noise_t = 0.9 * noise_t + rng.normal(0.0, 0.12)
        temp[i] = _diurnal_temp(hour, today, tomorrow, sunrise) + noise_t
        # daily vapour pressure, blended across the day so midnight has no step
        v_today = today.rh / 100.0 * sat_vapour_pressure(0.5 * (today.tmax + today.tmin))
        v_next = tomorrow.rh / 100.0 * sat_vapour_pressure(0.5 * (tomorrow.tmax + tomorrow.tmin))
        vapour = v_today + (v_next - v_today) * max(0.0, hour - 12.0) / 12.0
        rh[i] = min(99.0, max(12.0, 100.0 * vapour / sat_vapour_pressure(temp[i])))
        noise_w = 0.85 * noise_w + rng.normal(0.0, 0.35)
        afternoon = 1.0 + 0.35 * math.sin(math.pi * (hour - 8.0) / 12.0) if 8 <= hour <= 20 else 0.8
        wind[i] = max(0.0, today.wind * afternoon + noise_w)
        noise_g = 0.8 * noise_g + rng.normal(0.0, 0.08)
        cloud = min(1.0, max(0.0, today.cloud + noise_g * (0.3 + today.cloud)))
        ghi[i] = ghi_clear[i] * (1.0 - 0.75 * cloud**3.4)  # Kasten & Czeplak cloud factor
    return WeatherTrace(t, temp, rh, wind, ghi, step_s=step_min * 60)


# ---------------------------------------------------------------- CSV in / out


def write_csv(trace: WeatherTrace, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for i in range(len(trace)):
            ts = datetime.fromtimestamp(float(trace.t[i]), CST).isoformat()
            out.writerow(
                [
                    ts,
                    f"{trace.air_temp_c[i]:.2f}",
                    f"{trace.rh_pct[i]:.1f}",
                    f"{trace.wind_ms[i]:.2f}",
                    f"{trace.ghi_wm2[i]:.1f}",
                ]
            )


_RANGES = {
    "air_temp_c": (-50.0, 60.0),
    "rh_pct": (0.0, 100.0),
    "wind_ms": (0.0, 75.0),
    "ghi_wm2": (0.0, 1500.0),
}


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030 text")


def _parse_ts(text: str, where: str) -> float:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{where}, column ts: not an ISO 8601 timestamp: {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CST)  # INTERFACES: no offset means Asia/Shanghai
    return value.timestamp()


def _rows_from_parquet(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        import pandas as pd

        frame = pd.read_parquet(path)
    except ImportError as exc:
        raise ValueError(f"{path}: reading Parquet needs pyarrow ({exc})") from None
    header = [str(c) for c in frame.columns]
    rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    return header, rows


def read_weather(path: str | Path) -> WeatherTrace:
    """Read a weather CSV (or Parquet) per INTERFACES §5; ValueError names the bad row/column."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: weather file not found")
    if path.suffix.lower() == ".parquet":
        header, rows = _rows_from_parquet(path)
        first_row = 2
    else:
        reader = csv.reader(io.StringIO(_decode(path.read_bytes(), path)))
        table = [row for row in reader if any(cell.strip() for cell in row)]
        if not table:
            raise ValueError(f"{path}: empty file, expected header {', '.join(COLUMNS)}")
        header, rows = [c.strip() for c in table[0]], table[1:]
        first_row = 2
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    if len(rows) < 2:
        raise ValueError(f"{path}: need at least two data rows")
    idx = {c: header.index(c) for c in COLUMNS}
    data: dict[str, list[float]] = {c: [] for c in COLUMNS}
    for n, row in enumerate(rows, start=first_row):
        where = f"{path.name} row {n}"
        if len(row) < len(header):
            raise ValueError(f"{where}: {len(row)} fields, header has {len(header)}")
        data["ts"].append(_parse_ts(row[idx["ts"]], where))
        for col, (lo, hi) in _RANGES.items():
            text = row[idx[col]].strip()
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{where}, column {col}: not a number: {text!r}") from None
            if not (lo <= value <= hi):  # also rejects NaN
                raise ValueError(f"{where}, column {col}: {value} outside [{lo}, {hi}]")
            data[col].append(value)
    t = np.asarray(data["ts"])
    steps = np.diff(t)
    step = float(steps[0])
    if not 60.0 <= step <= 3600.0 or step % 60.0:
        raise ValueError(
            f"{path.name} row {first_row + 1}, column ts: step {step:.0f} s; need a whole 1–60 min"
        )
    bad = np.nonzero(steps != step)[0]
    if bad.size:
        row_no = int(bad[0]) + first_row + 1
        raise ValueError(
            f"{path.name} row {row_no}, column ts: step {steps[bad[0]]:.0f} s differs from "
            f"the file's fixed step {step:.0f} s"
        )
    return WeatherTrace(
        t=t,
        air_temp_c=np.asarray(data["air_temp_c"]),
        rh_pct=np.asarray(data["rh_pct"]),
        wind_ms=np.asarray(data["wind_ms"]),
        ghi_wm2=np.asarray(data["ghi_wm2"]),
        step_s=int(step),
    )


def main() -> None:  # pragma: no cover - regenerates the shipped trace
    write_csv(generate_weihai(), SHIPPED_TRACE)


if __name__ == "__main__":  # pragma: no cover
    main()
