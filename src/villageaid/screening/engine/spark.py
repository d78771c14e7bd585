# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""The Spark engine: the same compiled plan, transpiled with sqlglot, on PySpark.

Staged inputs travel to Spark as Parquet in an exchange directory; the evidence rows come
back as Parquet and the clue files are written from them by the same DuckDB statements as
the DuckDB engine's. The session is built from settings alone (:class:`SparkSettings`:
``SPARK_MASTER``, ``SPARK_DRIVER_MEMORY``, ``SPARK_EXECUTOR_MEMORY``, ``SPARK_EXECUTOR_CORES``,
``SPARK_SHARED_DIR``; settings.py and .env.example). On a cluster the exchange directory must
be one path that the driver and every executor see (``SPARK_SHARED_DIR``); docs/spark.md says
what changes on YARN or Kubernetes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlglot

from villageaid.screening.engine.compile import Plan
from villageaid.screening.engine.loader import Staged, quote_literal

APP_NAME = "villageaid-screening"
# The environment variables (and settings.py names) the session is built from.
SETTING_NAMES = (
    "SPARK_MASTER",
    "SPARK_DRIVER_MEMORY",
    "SPARK_EXECUTOR_MEMORY",
    "SPARK_EXECUTOR_CORES",
    "SPARK_SHARED_DIR",
)


class SparkSettingsError(ValueError):
    """A Spark setting the engine cannot use (one line naming the variable)."""


@dataclass(frozen=True)
class SparkSettings:
    """What the session and the exchange of files need; empty means Spark's default."""

    master: str = "local[*]"
    driver_memory: str = "4g"
    executor_memory: str = ""
    executor_cores: int = 0
    shared_dir: str = ""  # a directory at the same path on the driver and every executor

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SparkSettings:
        """From ``SPARK_*`` names (the environment or Django's settings); unset or empty
        values keep the defaults."""

        def get(name: str, default: str) -> str:
            value = values.get(name)
            return default if value in (None, "") else str(value).strip()

        cores = get("SPARK_EXECUTOR_CORES", "0")
        if not cores.isdigit():
            raise SparkSettingsError(f"SPARK_EXECUTOR_CORES: {cores!r} is not a whole number")
        shared = get("SPARK_SHARED_DIR", "")
        if "://" in shared and not shared.startswith("file://"):
            raise SparkSettingsError(
                f"SPARK_SHARED_DIR: {shared!r} is not a mounted directory; HDFS or S3 needs "
                "the exchange described in docs/spark.md"
            )
        return cls(
            master=get("SPARK_MASTER", cls.master),
            driver_memory=get("SPARK_DRIVER_MEMORY", cls.driver_memory),
            executor_memory=get("SPARK_EXECUTOR_MEMORY", ""),
            executor_cores=int(cores),
            shared_dir=shared.removeprefix("file://"),
        )

    @classmethod
    def current(cls) -> SparkSettings:
        """Django's settings when they are loaded (the application), else the environment
        (the engine on its own: the benchmark, ``screen`` without a database)."""
        from django.conf import settings

        if settings.configured:
            return cls.from_mapping({n: getattr(settings, n, None) for n in SETTING_NAMES})
        return cls.from_mapping(os.environ)

    @property
    def is_local(self) -> bool:
        return self.master.startswith("local")


def session_config(settings: SparkSettings) -> dict[str, str]:
    """Every ``spark.*`` value of the session, from the settings alone."""
    config = {
        "spark.master": settings.master,
        "spark.app.name": APP_NAME,
        # Casts behave like DuckDB's TRY_CAST (the staged columns are already typed).
        "spark.sql.ansi.enabled": "false",
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.adaptive.coalescePartitions.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": settings.driver_memory,
    }
    if settings.executor_memory:
        config["spark.executor.memory"] = settings.executor_memory
    if settings.executor_cores:
        config["spark.executor.cores"] = str(settings.executor_cores)
    if any(host in settings.master for host in ("//127.0.0.1:", "//localhost:")):
        # A cluster on this machine (scripts/spark-cluster.sh): executors reach the driver on
        # loopback. Elsewhere Spark's default (the host's name) or SPARK_LOCAL_IP applies.
        config["spark.driver.host"] = "127.0.0.1"
        config["spark.driver.bindAddress"] = "127.0.0.1"
    return config


_lock = threading.Lock()
_session: Any = None
_session_settings: SparkSettings | None = None


def get_session(settings: SparkSettings | None = None) -> Any:
    """One SparkSession per process, for the current settings (rebuilt if they change)."""
    global _session, _session_settings
    settings = settings or SparkSettings.current()
    with _lock:
        if _session is not None and _session_settings != settings:
            _session.stop()
            _session = None
        if _session is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder
            for key, value in session_config(settings).items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            _session_settings = settings
        return _session


def stop_session() -> None:
    global _session, _session_settings
    with _lock:
        if _session is not None:
            _session.stop()
        _session, _session_settings = None, None


def to_spark_sql(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


@contextlib.contextmanager
def exchange_dir(settings: SparkSettings, workdir: Path) -> Iterator[Path]:
    """Where staged inputs and Spark's output meet: a fresh folder in ``SPARK_SHARED_DIR``
    (removed afterwards), or the run's own temporary folder when none is set (a local
    session, or a cluster on this machine)."""
    if not settings.shared_dir:
        yield workdir
        return
    root = Path(settings.shared_dir)
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="villageaid-spark-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def execute_on_spark(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    staged: Staged,
    workdir: Path,
    settings: SparkSettings | None = None,
) -> None:
    """Run ``plan`` on Spark and leave its ``ev_all`` as a DuckDB table."""
    settings = settings or SparkSettings.current()
    spark = get_session(settings)
    with exchange_dir(settings, workdir) as shared:
        inputs = ["households", "persons", *sorted(staged.present)]
        (shared / "spark_in").mkdir(exist_ok=True)
        for name in [f"stg_{n}" for n in inputs] + ["id_place_ok"]:
            path = shared / "spark_in" / f"{name}.parquet"
            con.execute(f"COPY {name} TO {quote_literal(path)} (FORMAT parquet)")
            spark.read.parquet(str(path)).createOrReplaceTempView(name)
        for name, sql in plan.statements:
            frame = spark.sql(to_spark_sql(sql))
            if name in plan.materialised:
                frame = frame.localCheckpoint()  # cut the lineage once, like a DuckDB table
            frame.createOrReplaceTempView(name)
        out = shared / "spark_out"
        spark.table("ev_all").write.mode("overwrite").parquet(str(out))
        # The exchange folder goes when this block ends: the rows land in DuckDB first.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ev_all AS SELECT rule_code, household_code, "
            "person_id, source, CAST(record_date AS DATE) AS record_date, "
            "CAST(amount AS DECIMAL(18, 2)) AS amount, detail "
            f"FROM read_parquet({quote_literal(str(out) + '/*.parquet')})"
        )
