# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""The Spark engine: the same compiled plan, transpiled with sqlglot, on PySpark.

Staged inputs travel to Spark as Parquet; the evidence rows come back as
Parquet and are grouped into clues by the same DuckDB query as the DuckDB engine.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import sqlglot

from villageaid.screening.engine.compile import Plan
from villageaid.screening.engine.loader import Staged

_lock = threading.Lock()
_session: Any = None


def get_session() -> Any:
    """One local SparkSession per process (ANSI off so casts behave like TRY_CAST)."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            _session = (
                # SPARK_MASTER points at a cluster in production (spark://host:7077, yarn ...).
                SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
                .appName("villageaid-screening")
                .config("spark.sql.ansi.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
                .config("spark.driver.memory", "4g")
                .getOrCreate()
            )
            _session.sparkContext.setLogLevel("ERROR")
        return _session


def to_spark_sql(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def execute_on_spark(
    con: duckdb.DuckDBPyConnection, plan: Plan, staged: Staged, workdir: Path
) -> None:
    """Run ``plan`` on Spark and leave its ``ev_all`` as a DuckDB table."""
    spark = get_session()
    inputs = ["households", "persons", *sorted(staged.present)]
    for name in [f"stg_{n}" for n in inputs] + ["id_place_ok"]:
        path = workdir / "spark_in" / name
        path.parent.mkdir(exist_ok=True)
        con.execute(f"COPY {name} TO '{path}.parquet' (FORMAT parquet)")
        spark.read.parquet(f"{path}.parquet").createOrReplaceTempView(name)
    for name, sql in plan.statements:
        frame = spark.sql(to_spark_sql(sql))
        if name in plan.materialised:
            frame = frame.localCheckpoint()  # cut the lineage once, like a DuckDB table
        frame.createOrReplaceTempView(name)
    out = workdir / "spark_out"
    spark.table("ev_all").write.mode("overwrite").parquet(str(out))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ev_all AS SELECT rule_code, household_code, person_id, "
        "source, CAST(record_date AS DATE) AS record_date, "
        "CAST(amount AS DECIMAL(18, 2)) AS amount, detail "
        f"FROM read_parquet('{out}/*.parquet')"
    )
