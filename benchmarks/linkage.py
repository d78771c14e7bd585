"""Record-linkage benchmark: N-person registry, M dirty department rows, precision and recall.

    flock /tmp/va_bench.lock .venv/bin/python benchmarks/linkage.py --persons 100000 --rows 10000
    flock /tmp/va_bench.lock .venv/bin/python benchmarks/linkage.py --persons 1000000 --rows 100000
    (optional: --dir DIR keeps the generated files and reuses them; --threads N)

Generates the registry and the dirty department file with ``screening.linkage_synth``
(error model in its docstring and docs/record-linkage.md), links with
``screening.linkage.link`` on DuckDB and compares with the generator's truth:

- precision = correct links / links made; recall = correct links / rows whose person is in
  the registry (every row here is dirty: no clean ID is counted);
- the same figures at other thresholds (same model and pairs, from ``lk_ranked``);
- recall per ID class and per field damage; run time of the linkage alone (generation not
  included) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from villageaid.screening import linkage
from villageaid.screening.engine.run import _reset_peak_memory, peak_memory_bytes
from villageaid.screening.linkage_synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11643)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="va-linkage-") as tmp:
        root = args.dir or Path(tmp)
        if not (root / "truth.parquet").exists():
            t0 = time.perf_counter()
            generate(root, persons=args.persons, department_rows=args.rows, seed=args.seed)
            print(
                f"generated {args.persons} persons, {args.rows} rows in {time.perf_counter() - t0:.1f} s"
            )
        run(root, args.threads)


def run(root: Path, threads: int) -> None:
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"CREATE TABLE registry AS SELECT id_number AS person_id, name, sex, birth_date, "
        f"village_code, household_code FROM read_parquet('{root / 'persons.parquet'}')"
    )
    con.execute(
        "CREATE TABLE department AS SELECT CAST(record_no AS VARCHAR) AS row_key, id_number, "
        f"name, sex, birth_date, village_code FROM read_parquet('{root / 'medical_claims.parquet'}')"
    )
    con.execute(
        "CREATE TABLE truth AS SELECT CAST(record_no AS VARCHAR) AS row_key, "
        f"NULLIF(true_id, '') AS true_id, id_class, damage FROM read_parquet('{root / 'truth.parquet'}')"
    )
    n_reg = con.execute("SELECT count(*) FROM registry").fetchall()[0][0]
    _reset_peak_memory()
    started = time.perf_counter()
    stats = linkage.link(con, registry="registry", department="department")
    seconds = time.perf_counter() - started
    peak = peak_memory_bytes()
    print(
        f"registry {n_reg} persons, {stats.rows} department rows: clean {stats.clean}, "
        f"upgraded {stats.upgraded}, linked {stats.linked}, unmatched {stats.unmatched}; "
        f"{stats.compared_pairs} pairs over p=0.5"
    )
    print(
        f"linkage {seconds:.1f} s (prepare {stats.timings['prepare']:.1f} s, "
        f"train+predict {stats.timings['predict']:.1f} s), peak RSS {peak / 2**30:.2f} GiB"
    )
    found = "SELECT row_key, person_id FROM lk_links"
    report(con, found, f"threshold {linkage.THRESHOLD} (margin {linkage.MARGIN})", detail=True)
    for threshold in (0.5, 0.9, 0.95, 0.999, 0.9999):
        sweep = (
            "SELECT row_key, person_id FROM lk_links WHERE kind = 'upgraded' UNION ALL "
            "SELECT b.row_key, b.person_id FROM lk_ranked b LEFT JOIN lk_ranked s "
            "ON s.row_key = b.row_key AND s.rank = 2 WHERE b.rank = 1 AND "
            f"b.probability >= {threshold} AND (s.weight IS NULL OR b.weight - s.weight >= "
            f"{linkage.MARGIN})"
        )
        report(con, sweep, f"threshold {threshold}")


def report(con: duckdb.DuckDBPyConnection, found: str, label: str, *, detail: bool = False) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE judged AS SELECT t.*, f.person_id, "
        "f.person_id IS NOT NULL AS made, f.person_id = t.true_id AS ok "
        f"FROM truth t LEFT JOIN ({found}) f ON f.row_key = t.row_key"
    )
    made, right, matchable, nobody_linked = con.execute(
        "SELECT count(*) FILTER (made), count(*) FILTER (ok), "
        "count(*) FILTER (true_id IS NOT NULL), count(*) FILTER (made AND true_id IS NULL) "
        "FROM judged"
    ).fetchall()[0]
    precision = right / made if made else 1.0
    recall = right / matchable if matchable else 1.0
    print(
        f"{label}: precision {precision:.4f} recall {recall:.4f} "
        f"({right} right, {made - right} wrong of which {nobody_linked} to nobody's row, "
        f"{matchable - right} matchable rows missed)"
    )
    if not detail:
        return
    for row in con.execute(
        "SELECT id_class, count(*), count(*) FILTER (ok), count(*) FILTER (made AND NOT "
        "coalesce(ok, false)) FROM judged GROUP BY 1 ORDER BY 1"
    ).fetchall():
        print(f"  id class {row[0]:<11} rows {row[1]:>7}  right {row[2]:>7}  wrong {row[3]:>5}")
    for row in con.execute(
        "SELECT d, count(*), count(*) FILTER (ok) FROM (SELECT unnest(string_split("
        "damage, ',')) AS d, ok FROM judged WHERE true_id IS NOT NULL AND damage <> '') "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall():
        print(f"  damage {row[0]:<16} rows {row[1]:>7}  recall {row[2] / row[1]:.3f}")


if __name__ == "__main__":
    main()
