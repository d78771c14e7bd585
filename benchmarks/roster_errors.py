"""Error workbook benchmark: a roster of N rows (default 100,000), every row rejected, parsed,
then its error workbook written — the workbook an uploader downloads (target < 10 s).

    .venv/bin/python benchmarks/roster_errors.py [--rows 100000]

The roster is a CSV (written fast, not timed) whose every ID number has a wrong check digit.
Before the fix the workbook was quadratic (``sheet.max_row`` read per row): 16,000 rows took
80 s and 100,000 never finished.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from villageaid.registry import synth
from villageaid.registry.roster import parse_roster, write_error_workbook

HEADER = "户编号,姓名,证件号码,与户主关系,健康状况,劳动技能,是否参加城乡居民基本医疗保险,户类型,行政村代码"


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def write_bad_roster(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for n in range(rows):
            first17 = f"37100319800101{n % 1000:03d}"
            wrong = "0" if synth.check_digit(first17) != "0" else "1"
            fh.write(f"H{n},张三,{first17}{wrong},户主,健康,普通劳动力,是,一般农户,371003105201\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "bad.csv"
        write_bad_roster(roster, args.rows)
        start = time.perf_counter()
        result = parse_roster(roster)
        parsed = time.perf_counter()
        target = write_error_workbook(result, Path(tmp) / "errors.xlsx")
        written = time.perf_counter()
        size_mb = target.stat().st_size / 1e6
    rejected = result.counts["rejected_rows"]
    assert rejected == args.rows, rejected
    print(f"rows rejected       {rejected:,}")
    print(f"parse + validate    {parsed - start:6.1f} s")
    print(f"error workbook      {written - parsed:6.1f} s   ({size_mb:.1f} MB)   target < 10 s")
    print(f"peak RSS            {peak_rss_mb():6.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
