"""Control benchmark (ARCHITECTURE.md, row "control").

Runs the villager, thermostat and platform policies on the shipped Weihai March–April trace and on
a few other generated seeds, prints a metrics table and the ratios against the targets:
platform ≥ 97 % of minutes inside both bands, no minute above 20 °C, no 10-minute RH drop over
10 points on the shipped trace; on every trace ≥ 2× fewer out-of-band minutes than thermostat
and ≥ 5× fewer than villager.

    .venv/bin/python benchmarks/control.py [--seeds 7 11 23]
"""

from __future__ import annotations

import argparse
import time

from villageaid.greenhouse.simulation.policies import POLICIES
from villageaid.greenhouse.simulation.runner import run_trace
from villageaid.greenhouse.simulation.weather import (
    SHIPPED_TRACE,
    WeatherTrace,
    generate_weihai,
    read_weather,
)

COLUMNS = (
    ("tib_joint_pct", "joint%"),
    ("tib_temp_pct", "T%"),
    ("tib_rh_pct", "RH%"),
    ("minutes_out_of_band", "out_min"),
    ("kh_above_max", "Kh>max"),
    ("kh_below_min", "Kh<min"),
    ("rh_hours_below_min", "%h<RHmin"),
    ("rh_drop_events", "RHdrops"),
    ("minutes_above_20c", "min>20"),
    ("max_temp_c", "Tmax"),
    ("min_temp_c", "Tmin"),
    ("actuator_switches", "switches"),
    ("water_l", "water_L"),
)


def run_one(name: str, trace: WeatherTrace) -> dict[str, dict[str, object]]:
    results = {}
    for policy in POLICIES:
        started = time.perf_counter()
        metrics = run_trace(trace, policy).metrics
        metrics["seconds"] = round(time.perf_counter() - started, 1)
        results[policy] = metrics
    print(f"\n== {name} ==")
    print(f"{'policy':<11}" + "".join(f"{label:>10}" for _, label in COLUMNS) + f"{'sec':>6}")
    for policy, m in results.items():
        cells = "".join(f"{m[key]!s:>10}" for key, _ in COLUMNS)
        print(f"{policy:<11}{cells}{m['seconds']!s:>6}")
    return results


def ratios(results: dict[str, dict[str, object]]) -> tuple[float, float]:
    def out(policy: str) -> int:
        value = results[policy]["minutes_out_of_band"]
        assert isinstance(value, int)
        return value

    own = max(out("platform"), 1)
    return out("thermostat") / own, out("villager") / own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[7, 11, 23])
    args = parser.parse_args()
    traces = [("shipped weihai_mar_apr.csv", read_weather(SHIPPED_TRACE))]
    traces += [(f"generated seed {seed}", generate_weihai(seed=seed)) for seed in args.seeds]
    print("targets: joint ≥ 97 %, 0 min > 20 °C, 0 RH drops (shipped trace);")
    print("         on every trace ×2 fewer out-of-band minutes than thermostat, ×5 than villager")
    summary = []
    for name, trace in traces:
        results = run_one(name, trace)
        vs_thermo, vs_villager = ratios(results)
        summary.append((name, results["platform"], vs_thermo, vs_villager))
    print("\n== targets ==")
    for i, (name, m, vs_thermo, vs_villager) in enumerate(summary):
        ok_thermo = "ok" if vs_thermo >= 2 else "MISSED"
        line = f"{name:<28} ×{vs_thermo:4.2f} vs thermostat (≥2: {ok_thermo})"
        line += f"  ×{vs_villager:4.2f} vs villager (≥5: {'ok' if vs_villager >= 5 else 'MISSED'})"
        if i == 0:
            joint, above, drops = m["tib_joint_pct"], m["minutes_above_20c"], m["rh_drop_events"]
            assert isinstance(joint, float)
            line += f"  joint {joint:.1f}% ({'ok' if joint >= 97 else 'MISSED'})"
            line += f"  >20 °C {above} min ({'ok' if above == 0 else 'MISSED'})"
            line += f"  RH drops {drops} ({'ok' if drops == 0 else 'MISSED'})"
        print(line)


if __name__ == "__main__":
    main()
