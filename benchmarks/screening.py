"""Screening benchmark: synthetic registry of N persons, engine vs one hand-written query.

    flock /tmp/va_bench.lock .venv/bin/python benchmarks/screening.py --persons 10000000
    flock /tmp/va_bench.lock .venv/bin/python benchmarks/screening.py --persons 1000000 --engine spark
    (optional: --dir DIR keeps the generated files and reuses them)

Generates Parquet inputs inside DuckDB (deterministic), runs ``run_screening``,
then one hand-written DuckDB query computing the same (rule, household) set,
and prints both times, the ratio, rows/s and peak memory; asserts equal clue sets.

The engine's time is everything ``run_screening`` does for ``villageaid screen --registry``:
SHA-256 of every input file, staging with type casts, the GB 11643 check of every ID
and the bad-ID list, the rules, the masked JSON evidence of every clue, written sorted
to the run's clue file (Parquet) and counted per rule. Writing the clues as CSV (``--out``)
is timed separately and printed with its own ratio. Not included: the live-registry snapshot from the database and
pushing clues to it (the Django side; this benchmark reads files). The hand-written
query computes only the (rule, household) set, no evidence, in one statement with
DuckDB's defaults (all threads, the same 6 GB memory limit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from villageaid.screening.engine import build_catalogue, run_screening, write_clues_csv
from villageaid.screening.engine.rules._common import num
from villageaid.screening.engine.run import _reset_peak_memory, peak_memory_bytes

AS_OF = dt.date(2025, 6, 30)
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def checksum(col: str) -> str:
    total = " + ".join(f"CAST(SUBSTR({col}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(W))
    return f"SUBSTR('10X98765432', (({total}) % 11) + 1, 1)"


def r(i: str, k: int, n: int) -> str:
    """Deterministic pseudo-random integer in [0, n)."""
    return f"CAST(hash({i} * 7919 + {k}) % {n} AS BIGINT)"


def generate(root: Path, persons: int) -> None:
    reg, src = root / "registry", root / "sources"
    reg.mkdir(parents=True, exist_ok=True)
    src.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    n_h = max(persons // 3, 1)
    con.execute(f"""
        CREATE TABLE hh AS SELECT i, 'H' || LPAD(CAST(i AS VARCHAR), 9, '0') AS household_code,
          '110105' || LPAD(CAST(i % 500 AS VARCHAR), 6, '0') AS village_code,
          CASE WHEN {r("i", 1, 3)} = 0 THEN 'tuopin' ELSE 'general' END AS household_type,
          ['none', 'none', 'none', 'monitored', 'eliminated'][{r("i", 2, 5)} + 1] AS monitoring_status,
          '' AS monitoring_category,
          ['', '', 'illness', 'disability', 'employment;other'][{r("i", 3, 5)} + 1] AS risk_types,
          CAST({r("i", 4, 60000)} AS VARCHAR) AS net_income_12m, '13800000000' AS phone
        FROM range({n_h}) t(i)""")
    con.execute(
        f"COPY (SELECT * EXCLUDE (i) FROM hh) TO '{reg}/households.parquet' (FORMAT parquet)"
    )
    con.execute(f"""
        CREATE TABLE p0 AS SELECT i,
          'H' || LPAD(CAST({r("i", 5, n_h)} AS VARCHAR), 9, '0') AS household_code,
          ['110105', '110101', '110108', '110105'][{r("i", 6, 4)} + 1]
            || STRFTIME(DATE '1940-01-01' + CAST({r("i", 7, 30000)} AS INTEGER), '%Y%m%d')
            || LPAD(CAST({r("i", 8, 999)} + 1 AS VARCHAR), 3, '0') AS f17
        FROM range({persons}) t(i)""")
    con.execute(f"""
        CREATE TABLE p AS SELECT i, household_code,
          f17 || CASE WHEN {r("i", 9, 50)} = 0 THEN '0' ELSE {checksum("f17")} END AS id_number,
          CASE WHEN {r("i", 10, 40)} = 0 THEN '1' ELSE
            CASE WHEN CAST(SUBSTR(f17, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END END AS sex,
          STRFTIME(STRPTIME(SUBSTR(f17, 7, 8), '%Y%m%d'), '%Y-%m-%d') AS birth_date,
          ['healthy', 'healthy', 'chronic', 'serious', 'disabled'][{r("i", 11, 5)} + 1] AS health,
          ['normal', 'skilled', 'weak', 'lost', 'none'][{r("i", 12, 5)} + 1] AS labour,
          CASE WHEN {r("i", 13, 30)} = 0 THEN '0' ELSE '1' END AS medical_insurance,
          ['active', 'active', 'active', 'active', 'active', 'active', 'active', 'active',
           'deceased', 'moved_out'][{r("i", 14, 10)} + 1] AS status
        FROM p0""")
    con.execute(
        "COPY (SELECT household_code, id_number, '某' AS name, '01' AS relationship, sex, "
        "birth_date, health, labour, '' AS school_stage, medical_insurance, status FROM p) "
        f"TO '{reg}/persons.parquet' (FORMAT parquet)"
    )

    def dataset(name: str, share: float, cols: str, k: int) -> None:
        rows = max(int(persons * share), 1)
        day = f"CAST(DATE '{AS_OF}' - CAST({r('j', k + 1, 900)} AS INTEGER) + 30 AS VARCHAR)"
        sql = (
            f"SELECT p.id_number, {cols.format(day=day, j='j', k=k)} FROM range({rows}) t(j) "
            f"JOIN p ON p.i = {r('j', k, persons)}"
        )
        con.execute(f"COPY ({sql}) TO '{src}/{name}.parquet' (FORMAT parquet)")

    money = "CAST({r} / 100.0 AS DECIMAL(18, 2))"
    dataset(
        "medical_claims",
        0.3,
        f"{{day}} AS admission_date, {{day}} AS discharge_date, "
        f"{money.format(r=r('j', 31, 5000000))} AS total_cost, "
        f"{money.format(r=r('j', 32, 2000000))} AS self_pay",
        30,
    )
    dataset(
        "disability_certificates", 0.03, f"{r('j', 41, 4)} + 1 AS grade, {{day}} AS issued_date", 40
    )
    dataset("deaths", 0.01, "{day} AS death_date", 50)
    dataset(
        "disasters",
        0.02,
        f"{{day}} AS event_date, 'flood' AS kind, "
        f"{money.format(r=r('j', 61, 3000000))} AS loss_amount",
        60,
    )
    dataset("unemployment", 0.03, "{day} AS registered_date", 70)
    dataset(
        "housing_appraisals",
        0.1,
        f"{{day}} AS appraisal_date, ['A', 'B', 'C', 'D'][{r('j', 81, 4)} + 1] AS grade",
        80,
    )
    dataset(
        "students",
        0.1,
        f"['enrolled', 'dropout', 'suspended'][{r('j', 91, 3)} + 1] AS status, "
        "{day} AS as_of_date",
        90,
    )
    dataset(
        "social_assistance",
        0.05,
        f"['dibao', 'tekun', 'temporary', 'other'][{r('j', 101, 4)} + 1]"
        " AS programme, {day} AS start_date",
        100,
    )
    dataset(
        "vehicles",
        0.05,
        f"['car', 'truck', 'motorcycle', 'farm_machine'][{r('j', 111, 4)} + 1] "
        f"AS vehicle_type, {money.format(r=r('j', 112, 6000000))} AS purchase_price, "
        "{day} AS registered_date",
        110,
    )
    dataset(
        "businesses",
        0.02,
        f"['legal_rep', 'shareholder'][{r('j', 121, 2)} + 1] AS role, "
        f"['active', 'closed'][{r('j', 122, 2)} + 1] AS status, 100000 AS registered_capital",
        120,
    )
    dataset(
        "real_estate",
        0.05,
        f"['commercial_housing', 'shop', 'rural_homestead'][{r('j', 131, 3)} + 1] AS property_type",
        130,
    )
    dataset("public_employees", 0.01, "1 AS flag", 140)
    con.close()


def hand_written_sql(root: Path, *, spark: bool = False) -> str:
    """(``NOT EXISTS``, not ``NOT IN``: Spark plans ``NOT IN`` as a null-aware nested-loop
    join, quadratic; household codes are never NULL here, so both mean the same.)

    One query for the whole default catalogue on this synthetic data, DuckDB or Spark SQL
    (all address codes are real, so the place check is left out). Thresholds, ages and the
    monitoring line are the catalogue's, i.e. the shipped policy version's for ``AS_OF``."""
    cat = build_catalogue(as_of=AS_OF)
    p = {
        code: {k: num(v) for k, v in ps.items() if k not in _TEXT_PARAMS}
        for code, ps in cat.params.items()
    }
    line = num(cat.monitoring_line)
    reg, s = root / "registry", root / "sources"
    a, start = f"DATE '{AS_OF}'", f"DATE '{AS_OF - dt.timedelta(days=364)}'"

    def f(path: Path) -> str:
        """A Parquet file as a relation: a path on DuckDB, a view of the session on Spark."""
        return path.stem if spark else f"'{path}'"

    def d(name: str, col: str | None = None) -> str:
        where = f" WHERE CAST({col} AS DATE) <= {a}" if col else ""
        return f"(SELECT * FROM {f(s / f'{name}.parquet')}{where})"

    ymd = (
        "TO_DATE(SUBSTR(id_number, 7, 8), 'yyyyMMdd')"
        if spark
        else "CAST(STRPTIME(SUBSTR(id_number, 7, 8), '%Y%m%d') AS DATE)"
    )
    age = (
        "(YEAR({on}) - YEAR(b) - CASE WHEN MONTH({on}) < MONTH(b) OR "
        "(MONTH({on}) = MONTH(b) AND DAY({on}) < DAY(b)) THEN 1 ELSE 0 END)"
    )
    return f"""
    WITH h AS (SELECT household_code, household_type, monitoring_status, risk_types,
                 CAST(net_income_12m AS DECIMAL(18, 2)) AS inc,
                 household_type = 'tuopin' OR monitoring_status = 'monitored' AS cov,
                 monitoring_status = 'monitored' AS mon
               FROM {f(reg / "households.parquet")}),
    p0 AS (SELECT *, {checksum("id_number")} = SUBSTR(id_number, 18, 1) AS ok
           FROM {f(reg / "persons.parquet")}),
    p AS (SELECT *, CASE WHEN ok THEN {ymd} ELSE CAST(birth_date AS DATE) END AS b FROM p0),
    m AS (SELECT p.*, {age.format(on=a)} AS age FROM p JOIN h USING (household_code)
          WHERE status = 'active'),
    md AS (SELECT p.* FROM p JOIN h USING (household_code) WHERE status IN ('active', 'deceased')),
    n AS (SELECT household_code, COUNT(*) AS n FROM m GROUP BY household_code),
    st AS (SELECT DISTINCT m.household_code, c.* FROM m JOIN {d("medical_claims")} c USING (id_number)
           WHERE CAST(c.admission_date AS DATE) BETWEEN {start} AND {a}),
    ss AS (SELECT household_code, SUM(self_pay) AS sp FROM st GROUP BY household_code),
    r10 AS (SELECT household_code FROM h JOIN n USING (household_code)
            WHERE NOT mon AND inc < {line} * n.n),
    la AS (SELECT id_number, MAX(CAST(appraisal_date AS DATE)) AS dd
           FROM {d("housing_appraisals", "appraisal_date")} GROUP BY id_number),
    ls AS (SELECT id_number, MAX(CAST(as_of_date AS DATE)) AS dd
           FROM {d("students", "as_of_date")} GROUP BY id_number)
    SELECT 'R01' AS rule_code, household_code FROM st JOIN h USING (household_code)
      WHERE self_pay > CASE WHEN cov THEN {p["R01"]["covered_threshold"]}
      ELSE {p["R01"]["other_threshold"]} END
    UNION SELECT 'R02', household_code FROM ss JOIN h USING (household_code) WHERE sp > inc
    UNION SELECT 'R03', household_code FROM m JOIN h USING (household_code)
      JOIN {d("disability_certificates", "issued_date")} c USING (id_number)
      WHERE CAST(issued_date AS DATE) >= {start} OR (grade <= 2 AND NOT cov)
    UNION SELECT 'R04', household_code FROM md JOIN {d("deaths", "death_date")} x USING (id_number)
      WHERE CAST(death_date AS DATE) >= {start}
      AND {age.format(on="CAST(death_date AS DATE)")} BETWEEN {p["R04"]["min_age"]} AND {p["R04"]["max_age"]}
    UNION SELECT 'R05', household_code FROM m JOIN {d("disasters", "event_date")} x USING (id_number)
      WHERE CAST(event_date AS DATE) >= {start} AND loss_amount >= {p["R05"]["loss_threshold"]}
    UNION SELECT 'R06', household_code FROM m JOIN h USING (household_code)
      JOIN {d("unemployment", "registered_date")} u USING (id_number)
      WHERE cov AND CAST(registered_date AS DATE) >= {start}
      AND age BETWEEN {p["R06"]["min_age"]} AND {p["R06"]["max_age"]}
    UNION SELECT 'R07', household_code FROM m JOIN {d("housing_appraisals", "appraisal_date")} x
      USING (id_number) JOIN la USING (id_number)
      WHERE CAST(appraisal_date AS DATE) = la.dd AND grade IN ('C', 'D')
    UNION SELECT 'R08', household_code FROM m JOIN {d("students", "as_of_date")} x
      USING (id_number) JOIN ls USING (id_number)
      WHERE CAST(as_of_date AS DATE) = ls.dd AND x.status IN ('dropout', 'suspended')
      AND age BETWEEN {p["R08"]["min_age"]} AND {p["R08"]["max_age"]}
    UNION SELECT 'R09', household_code FROM m JOIN h USING (household_code)
      JOIN {d("social_assistance", "start_date")} x USING (id_number)
      WHERE NOT mon AND CAST(start_date AS DATE) >= {start}
      AND programme IN ('dibao', 'tekun', 'temporary')
    UNION SELECT 'R10', household_code FROM r10
    UNION SELECT 'R11', household_code FROM h JOIN n USING (household_code)
      JOIN ss USING (household_code)
      WHERE NOT mon AND sp > 0 AND inc - sp < {line} * n.n
      AND NOT EXISTS (SELECT 1 FROM r10 WHERE r10.household_code = h.household_code)
    UNION SELECT 'R12', household_code FROM m WHERE medical_insurance = '0'
    UNION SELECT 'A01', household_code FROM m JOIN h USING (household_code)
      JOIN {d("vehicles", "registered_date")} x USING (id_number)
      WHERE cov AND vehicle_type IN ('car', 'truck')
      AND purchase_price >= {p["A01"]["price_threshold"]}
    UNION SELECT 'A02', household_code FROM m JOIN h USING (household_code)
      JOIN {d("businesses")} x USING (id_number) WHERE cov AND x.status = 'active'
    UNION SELECT 'A03', household_code FROM m JOIN h USING (household_code)
      JOIN {d("real_estate")} x USING (id_number)
      WHERE cov AND property_type IN ('commercial_housing', 'shop')
    UNION SELECT 'A04', household_code FROM m JOIN h USING (household_code)
      JOIN {d("public_employees")} x USING (id_number) WHERE cov
    UNION SELECT 'A05', household_code FROM m JOIN {d("deaths", "death_date")} x USING (id_number)
    UNION SELECT 'Q01', household_code FROM m WHERE NOT ok
    UNION SELECT 'Q02', household_code FROM m WHERE id_number IN
      (SELECT id_number FROM p WHERE status = 'active' GROUP BY id_number HAVING COUNT(*) > 1)
    UNION SELECT 'Q03', household_code FROM m WHERE ok AND (CAST(birth_date AS DATE) <> b OR
      sex <> CASE WHEN CAST(SUBSTR(id_number, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END)
    UNION SELECT 'Q04', household_code FROM h WHERE mon AND COALESCE(risk_types, '') = ''
    UNION SELECT 'Q05', household_code FROM h WHERE
      (risk_types LIKE '%illness%' AND NOT EXISTS (SELECT 1 FROM m WHERE
        m.household_code = h.household_code AND health IN ('chronic', 'serious')))
      OR (risk_types LIKE '%disability%' AND NOT EXISTS (SELECT 1 FROM m WHERE
        m.household_code = h.household_code AND health = 'disabled'))
      OR (risk_types LIKE '%employment%' AND NOT EXISTS (SELECT 1 FROM m WHERE
        m.household_code = h.household_code AND labour IN ('skilled', 'normal', 'weak')))
    UNION SELECT 'Q06', household_code FROM m WHERE age < {p["Q06"]["under_age"]} AND labour <> 'none'
    """


_TEXT_PARAMS = {"severity", "condition"}


def hand_written(root: Path) -> set[tuple[str, str]]:
    """The hand-written query on DuckDB (defaults: all threads, the same 6 GB limit)."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '6GB'")
    rows = con.execute(hand_written_sql(root)).fetchall()
    con.close()
    return {(str(a_), str(b_)) for a_, b_ in rows}


def hand_written_spark(spark: Any, root: Path, out: Path) -> None:
    """The same query as Spark SQL in ``spark``'s session over the same Parquet files,
    written to ``out`` (Parquet; collecting 6 M rows through the driver would time Py4J)."""
    for path in [*(root / "registry").glob("*.parquet"), *(root / "sources").glob("*.parquet")]:
        spark.read.parquet(str(path)).createOrReplaceTempView(path.stem)
    spark.sql(hand_written_sql(root, spark=True)).write.mode("overwrite").parquet(str(out))


def clue_set(path: str) -> set[tuple[str, str]]:
    rows = duckdb.execute(
        f"SELECT rule_code, household_code FROM read_parquet('{path}')"
    ).fetchall()
    return {(str(code), str(household)) for code, household in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument(
        "--master", help="Spark master URL (sets SPARK_MASTER), e.g. spark://127.0.0.1:7077"
    )
    parser.add_argument(
        "--executor-memory",
        default=os.environ.get("SPARK_EXECUTOR_MEMORY") or "4g",
        help="per executor (sets SPARK_EXECUTOR_MEMORY; scripts/spark-cluster.sh workers have 5g)",
    )
    parser.add_argument("--dir", type=Path, help="keep generated files here (reused if present)")
    args = parser.parse_args()
    if args.master:
        os.environ["SPARK_MASTER"] = args.master
    os.environ["SPARK_EXECUTOR_MEMORY"] = args.executor_memory
    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir or Path(tmp)
        if not (root / "registry" / "persons.parquet").exists():
            t = time.perf_counter()
            generate(root, args.persons)
            print(f"generated {args.persons:,} persons in {time.perf_counter() - t:.1f}s")
        spark = None
        if args.engine == "spark":
            from villageaid.screening.engine.spark import SparkSettings, get_session

            settings = SparkSettings.current()
            t = time.perf_counter()
            spark = get_session(settings)
            spark.range(1).count()  # executors registered and answering
            print(
                f"spark start-up ({settings.master}, driver {settings.driver_memory}, "
                f"executors {settings.executor_memory or 'default'}): {time.perf_counter() - t:.2f}s"
            )
        _reset_peak_memory()
        result = run_screening(
            registry_dir=root / "registry",
            sources_dir=root / "sources",
            as_of=AS_OF,
            engine=args.engine,
        )
        engine_s, engine_peak = result.duration_seconds, result.peak_memory_bytes
        _reset_peak_memory()
        t = time.perf_counter()
        write_clues_csv(result, Path(tmp) / "clues.csv", "bench")
        csv_s = time.perf_counter() - t
        csv_peak = peak_memory_bytes()
        got = clue_set(str(result.clue_file))
        counts = dict(sorted(result.counts.items()))
        result.close()
        del result
        gc.collect()
        _reset_peak_memory()
        t = time.perf_counter()
        expected = hand_written(root)
        hand_s = time.perf_counter() - t
        hand_peak = peak_memory_bytes()
        spark_hand_s = None
        if spark is not None:
            t = time.perf_counter()
            hand_written_spark(spark, root, Path(tmp) / "hand_spark")
            spark_hand_s = time.perf_counter() - t
            spark_expected = clue_set(f"{tmp}/hand_spark/*.parquet")
    print(
        f"engine ({args.engine}): {engine_s:.2f}s, {args.persons / engine_s:,.0f} persons/s, "
        f"peak RSS {engine_peak / 2**30:.2f} GiB{' (Python process; the JVMs are not counted)' if spark else ''}, "
        f"{len(got):,} clues"
    )
    print(
        f"hand-written DuckDB SQL: {hand_s:.2f}s, peak RSS {hand_peak / 2**30:.2f} GiB "
        "(process peak from its start, after the engine's clues were freed)"
    )
    if spark_hand_s is None:
        print(f"ratio engine / hand-written: {engine_s / hand_s:.2f}")
    else:
        print(f"hand-written Spark SQL (same session, to Parquet): {spark_hand_s:.2f}s")
        print(f"ratio engine (spark) / hand-written Spark SQL: {engine_s / spark_hand_s:.2f}")
    print(
        f"engine + writing the clues as CSV (second pass: the JSON evidence): "
        f"{engine_s + csv_s:.2f}s (CSV {csv_s:.2f}s, peak RSS {csv_peak / 2**30:.2f} GiB), "
        f"ratio {(engine_s + csv_s) / (spark_hand_s or hand_s):.2f}"
    )
    print("per rule:", counts)
    missing, extra = expected - got, got - expected
    assert not missing and not extra, f"clue sets differ: {sorted(missing)[:5]} {sorted(extra)[:5]}"
    print("clue sets identical: engine = hand-written DuckDB SQL")
    if spark_hand_s is not None:
        missing, extra = spark_expected - got, got - spark_expected
        assert not missing and not extra, (
            f"Spark SQL differs: {sorted(missing)[:5]} {sorted(extra)[:5]}"
        )
        print(
            "clue sets identical: engine (spark) = hand-written Spark SQL = hand-written DuckDB SQL"
        )


if __name__ == "__main__":
    main()
