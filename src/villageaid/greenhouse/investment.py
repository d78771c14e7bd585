"""Equipment investment for the park's tunnels: what each option holds, risks and costs (issue 23).

For each equipment option (simulation/equipment.py, costs with sources in
docs/greenhouse-equipment.md) and each season trace (the shipped Weihai March–April trace and
the harsh one), `villageaid greenhouse-investment` runs the platform's controller and the
perfect-foresight oracle through the tunnel model and caches the figures as JSON
(`results_path()`); the investment page only reads the cache. A run of a 61-day trace takes a
minute or two, so nothing here is computed per request.

Yield risk counts the conditions greenhouse.md §2.2 names as damaging young fruit bodies:
frost below 0 °C [S satrise 580, seedsun 55618], heat above 20 °C [S satrise 404/572], air
below 70 % RH (hollow, cracked fruit) [S satrise 404].
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_RESULTS = DATA / "investment.json"
GOAL_JOINT_PCT = 97.0  # ARCHITECTURE "control" row: joint time in band on the shipped trace
HOUSE_MU = 480.0 / 666.7  # an 8 m × 60 m tunnel (greenhouse.md §3.3) in mu

# §2.2 hazards; the hour limits that make a risk "high" are [E] (one night of frost, half a
# day of heat or a day of dry air in a season), to be replaced by the park's own records
FROST_C = 0.0
HEAT_C = 20.0
DRY_RH = 70.0
HIGH_FROST_MIN = 60
HIGH_HEAT_MIN = 12 * 60
HIGH_DRY_MIN = 24 * 60
RISK_SOURCE = (
    "[S] greenhouse.md §2.2: frost < 0 °C (satrise 580, seedsun 55618), > 20 °C outside every "
    "fruiting range (satrise 404/572), RH < 70 % hollow/cracked fruit (satrise 404); "
    "'high' at ≥ 1 h frost, ≥ 12 h heat or ≥ 24 h dry air in the season [E]"
)


@dataclass(frozen=True)
class Option:
    key: str
    equipment: str  # a preset or NAME,NAME of simulation/equipment.py
    label_zh: Any  # a lazy translation


OPTIONS: tuple[Option, ...] = (
    Option("none", "none", _("单层膜（现状）")),
    Option("film", "film", _("内膜")),
    Option("film+blanket", "film+blanket", _("内膜+保温被")),
    Option("film+blanket+mist", "film+blanket+mist", _("内膜+保温被+增加喷雾")),
    Option("heater", "heater", _("热风机")),
    Option("film+blanket+heater", "inner_film,blanket,heater", _("内膜+保温被+热风机")),
    Option("all", "all", _("全部设备（含环流风机）")),
)
TRACES: dict[str, tuple[str, Any]] = {
    "shipped": ("weihai_mar_apr.csv", _("常年气象（威海3–4月随附气象）")),
    "harsh": ("weihai_harsh_mar_apr.csv", _("严酷年份（倒春寒、大风干燥）")),
}
POLICIES = ("platform", "oracle")


def results_path() -> Path:
    """Where `greenhouse-investment` writes its cache (the data directory)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "greenhouse" / "investment.json"


def load_results() -> dict[str, Any] | None:
    """The cached figures: the data directory's, else the ones shipped with the code."""
    for path in (results_path(), SHIPPED_RESULTS):
        if path.exists():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    return None


def _night(hours: np.ndarray) -> np.ndarray:
    return (hours >= 18) | (hours < 6)


def run_one(job: tuple[str, str, str, int | None]) -> dict[str, Any]:
    """One (trace, option, policy) run and the figures the page needs."""
    from villageaid.greenhouse.simulation.runner import run_trace
    from villageaid.greenhouse.simulation.weather import CST, WeatherTrace, read_weather

    trace_key, option_key, policy, days = job
    option = next(o for o in OPTIONS if o.key == option_key)
    trace = read_weather(DATA / TRACES[trace_key][0]).to_minutes()
    if days:
        n = days * 1440
        trace = WeatherTrace(
            trace.t[:n],
            trace.air_temp_c[:n],
            trace.rh_pct[:n],
            trace.wind_ms[:n],
            trace.ghi_wm2[:n],
            60,
        )
    equipment = None if option.equipment == "none" else option.equipment
    result = run_trace(trace, policy, equipment=equipment)
    m = result.metrics
    temp, rh = result.temp_c, result.rh_pct
    offset = CST.utcoffset(None).total_seconds()
    hours = ((trace.t + offset) // 3600 % 24).astype(int)
    days_n = len(temp) // 1440
    house_min = temp[: days_n * 1440].reshape(days_n, 1440).min(axis=1)
    out_min = trace.air_temp_c[: days_n * 1440].reshape(days_n, 1440).min(axis=1)
    band = m["band"]
    assert isinstance(band, dict)
    return {
        "trace": trace_key,
        "option": option_key,
        "policy": policy,
        "minutes": m["minutes"],
        "minutes_in_band": int(m["minutes"]) - int(m["minutes_out_of_band"]),  # type: ignore[call-overload]
        "tib_joint_pct": m["tib_joint_pct"],
        "tib_temp_pct": m["tib_temp_pct"],
        "tib_rh_pct": m["tib_rh_pct"],
        "oob_score": m["oob_score"],
        "minutes_below_min": m["minutes_below_min"],
        "minutes_above_max": m["minutes_above_max"],
        "minutes_rh_below_min": m["minutes_rh_below_min"],
        "minutes_rh_above_max": m["minutes_rh_above_max"],
        "minutes_rh_above_max_night": int(((rh > float(band["rh_max_pct"])) & _night(hours)).sum()),
        "frost_minutes": int((temp < FROST_C).sum()),
        "heat_minutes": int((temp > HEAT_C).sum()),
        "dry_minutes": int((rh < DRY_RH).sum()),
        "night_margin_k": round(float(np.mean(house_min - out_min)), 2) if days_n else 0.0,
        "max_switches_per_actuator_hour": m["max_switches_per_actuator_hour"],
        "energy_kwh": m["energy_kwh"],
        "running_yuan": m["cost_yuan"],
        "capital_yuan": m["capital_yuan"],
        "equipment": m["equipment"],
    }


def compute(
    *,
    jobs: int = 1,
    options: list[str] | None = None,
    traces: list[str] | None = None,
    days: int | None = None,
    policies: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    on_row: Callable[[dict[str, Any]], object] | None = None,
) -> dict[str, Any]:
    """Run every (trace, option, policy) and return the cache document; `on_row` gets the
    document so far after each run (the command writes it, so a long run is never lost)."""
    keys = options or [o.key for o in OPTIONS]
    unknown = set(keys) - {o.key for o in OPTIONS}
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
    trace_keys = traces or list(TRACES)
    work = [(t, k, p, days) for t in trace_keys for k in keys for p in policies or POLICIES]
    doc: dict[str, Any] = {
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "days": days,
        "goal_joint_pct": GOAL_JOINT_PCT,
        "risk_source": RISK_SOURCE,
        "rows": [],
    }
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for row in pool.map(run_one, work):
            doc["rows"].append(row)
            if progress is not None:
                progress(
                    f"{row['trace']} {row['option']} {row['policy']}: {row['tib_joint_pct']} %"
                )
            if on_row is not None:
                on_row(doc)
    return doc


def write(doc: dict[str, Any], path: Path | None = None) -> Path:
    path = path or results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading the cache


def risk_level(row: dict[str, Any]) -> str:
    """高 / 中 / 低 from the §2.2 hazard minutes (see RISK_SOURCE)."""
    if (
        row["frost_minutes"] >= HIGH_FROST_MIN
        or row["heat_minutes"] >= HIGH_HEAT_MIN
        or row["dry_minutes"] >= HIGH_DRY_MIN
    ):
        return "high"
    if row["frost_minutes"] or row["heat_minutes"] or row["dry_minutes"]:
        return "medium"
    return "low"


def table(doc: dict[str, Any], houses: int) -> dict[str, list[dict[str, Any]]]:
    """Per trace: one row per option (platform figures, the oracle's limit beside them) with
    the season cost per house and for `houses` houses."""
    by_key = {(r["trace"], r["option"], r["policy"]): r for r in doc["rows"]}
    out: dict[str, list[dict[str, Any]]] = {}
    for trace in TRACES:
        rows = []
        for option in OPTIONS:
            row = by_key.get((trace, option.key, "platform"))
            if row is None:
                continue
            oracle = by_key.get((trace, option.key, "oracle"))
            per_house = float(row["capital_yuan"]) + float(row["running_yuan"])
            rows.append(
                {
                    **row,
                    "label": option.label_zh,
                    "oracle_joint_pct": oracle["tib_joint_pct"] if oracle else None,
                    "risk": risk_level(row),
                    "cost_per_house": round(per_house),
                    "cost_total": round(per_house * max(houses, 1)),
                    "reaches_goal": float(row["tib_joint_pct"]) >= GOAL_JOINT_PCT,
                }
            )
        if rows:
            out[trace] = rows
    return out


def recommendation(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The cheapest option that reaches the goal; else the one with the most time in band
    (ties to the cheaper) and the reasons none reaches it."""
    if not rows:
        return None
    reaching = [r for r in rows if r["reaches_goal"]]
    if reaching:
        best = min(reaching, key=lambda r: r["cost_per_house"])
        return {"row": best, "reaches": True}
    best = max(rows, key=lambda r: (float(r["tib_joint_pct"]), -r["cost_per_house"]))
    limits = [r["oracle_joint_pct"] for r in rows if r["oracle_joint_pct"] is not None]
    return {"row": best, "reaches": False, "oracle_best_pct": max(limits) if limits else None}


def night_margins(doc: dict[str, Any] | None) -> dict[str, float]:
    """Per option: how many K the house's nightly minimum sat above outdoors (shipped trace)."""
    if not doc:
        return {}
    return {
        r["option"]: float(r["night_margin_k"])
        for r in doc["rows"]
        if r["trace"] == "shipped" and r["policy"] == "platform"
    }
