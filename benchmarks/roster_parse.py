"""Roster import benchmark: a synthetic XLSX roster of N persons, parsed and validated.

    .venv/bin/python benchmarks/roster_parse.py [--persons 100000] [--messy] [--keep FILE]

Writes the roster with ``synth.write_roster_xlsx`` (not timed), then times ``parse_roster``
alone (reading, header detection, normalisation, every 2.2 check) and prints the time, rows per
second, the file size and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from villageaid.registry import synth
from villageaid.registry.roster import parse_roster


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def write(path: Path, persons: int, messy: bool) -> float:
    start = time.perf_counter()
    households: list[dict[str, str]] = []
    people: list[dict[str, str]] = []
    for household, members in synth.iter_registry(persons, seed=2020):
        households.append(household)
        people.extend(members)
    synth.write_roster_xlsx(path, households, people, messy=messy)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--messy", action="store_true", help="write harmless variants")
    parser.add_argument("--keep", type=Path, help="keep the roster at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "roster.xlsx"
        written = write(path, args.persons, args.messy)
        size_mb = path.stat().st_size / 1e6
        print(
            f"wrote {args.persons:,} persons to {path.name} ({size_mb:.1f} MB) in {written:.1f} s"
        )
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        result = parse_roster(path, village_exists=lambda code: code == synth.BEIMA_CODE)
        elapsed = time.perf_counter() - start
    assert result.ok, result.rejected[:5]
    assert result.counts["persons"] == args.persons
    print(
        f"parse+validate: {elapsed:.2f} s, {args.persons / elapsed:,.0f} rows/s, "
        f"{result.counts['households']:,} households, {len(result.rejected)} rejected; "
        f"peak RSS {peak_rss_mb():.0f} MB (before parsing {rss_before:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
