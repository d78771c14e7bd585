"""Hostile roster workbooks: each is validated as the import validates it, in a subprocess,
and its peak resident memory is measured (target < 300 MB each, refused or processed).

    .venv/bin/python benchmarks/roster_hostile.py [--only NAME ...] [--keep DIR]

The set (``registry/tests/hostile.py``): a 2 KB sparse workbook declaring a cell at
XFD1000000 (and the same without the declaration), a zip bomb (1 GB of XML declared honestly)
and one that declares 1 KB for the same, 3,000,000 shared strings, and 1,000,000 person rows
(inline, and with shared strings so that only the row cap stops it), the largest roster the
caps accept (109,999 one-person households, the worst case), processed, the same with 600,000
unused shared strings, and a CSV of one 48-million-comma line.
Each child process parses the file with ``parse_roster`` under the project's settings (the
``ROSTER_MAX_*`` caps) and reports refused/processed, the reason, seconds and peak RSS from
``getrusage`` (a psutil sampler in the parent gives the same figure within a few MB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
os.environ.setdefault("VILLAGEAID_TESTING", "1")

CHILD = """
import json, resource, sys, time
import django
django.setup()
from villageaid.registry.roster import RosterError, parse_roster
start = time.perf_counter()
try:
    result = parse_roster(sys.argv[1], village_exists=lambda code: True)
    outcome, detail = "processed", f"{result.counts['persons']:,} persons, {result.counts['rejected_rows']:,} rejected rows"
except RosterError as exc:
    outcome, detail = "refused", str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"outcome": outcome, "detail": detail, "seconds": time.perf_counter() - start, "peak_mb": peak}))
"""


def hostile_set() -> dict[str, Callable[[Path], Path]]:
    from villageaid.registry.tests import hostile

    return {
        "sparse": hostile.sparse,
        "sparse_undeclared": lambda p: hostile.sparse(p, declared=False),
        "zip_bomb": lambda p: hostile.zip_bomb(p, megabytes=1024),
        "zip_bomb_lying": lambda p: hostile.lying_zip_bomb(p, megabytes=1024),
        "shared_strings": lambda p: hostile.huge_shared_strings(p, count=3_000_000),
        "million_rows": lambda p: hostile.many_rows(p, rows=1_000_000),
        "million_compact": lambda p: hostile.many_compact_rows(p, rows=1_000_000),
        "rows_at_cap": lambda p: hostile.many_compact_rows(p, rows=109_999),
        "rows_and_strings_at_cap": lambda p: hostile.many_compact_rows(
            p, rows=109_999, padding=599_990
        ),
        "csv_one_line": csv_one_line,
    }


def csv_one_line(path: Path) -> Path:
    """A 48 MB CSV whose header line is followed by one line of 48 million commas."""
    with path.open("w", encoding="utf-8") as fh:
        from villageaid.registry.tests import hostile

        fh.write(",".join(hostile.HEADER) + "\n")
        for _ in range(48):
            fh.write("," * (1024 * 1024))
    return path


def run_child(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {
            "outcome": f"crashed ({done.returncode})",
            "detail": done.stderr[-300:],
            "seconds": 0,
            "peak_mb": -1,
        }
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names from the set")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    import django

    django.setup()
    files = hostile_set()
    names = args.only or list(files)
    worst = 0
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        print(f"{'file':18} {'size':>9}  {'outcome':10} {'peak RSS':>9} {'seconds':>8}  detail")
        for name in names:
            path = directory / (f"{name}.csv" if name.startswith("csv") else f"{name}.xlsx")
            if not path.exists():
                made = time.perf_counter()
                files[name](path)
                print(f"  (wrote {name} in {time.perf_counter() - made:.0f} s)", file=sys.stderr)
            result = run_child(path)
            peak = int(result["peak_mb"])  # type: ignore[call-overload]
            worst = max(worst, peak)
            size = path.stat().st_size
            print(
                f"{name:18} {size / 1e6:7.2f}MB  {result['outcome']!s:10} {peak:6d} MB "
                f"{float(result['seconds']):7.1f}s  {result['detail']}"  # type: ignore[arg-type]
            )
    print(f"worst peak RSS {worst} MB   target < 300 MB")
    return 0 if 0 < worst < 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
