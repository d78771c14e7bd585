# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Running a screening: staging, executing the compiled plan, building clues."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import resource
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from villageaid.screening.engine.catalogue import Catalogue, build_catalogue
from villageaid.screening.engine.compile import Plan, compile_plan
from villageaid.screening.engine.derived import mask_sql
from villageaid.screening.engine.loader import Staged, new_workdir, stage_all

CSV_COLUMNS = (
    "run_id",
    "rule_code",
    "kind",
    "household_code",
    "village_code",
    "risk_type",
    "severity",
    "evidence",
)
Progress = Callable[[str], None]
FETCH_BATCH = 100_000


@dataclass(unsafe_hash=True)
class Clue:
    """One (rule, household) finding. Not frozen: a frozen dataclass's ``__init__`` goes
    through ``object.__setattr__`` and costs seconds for the hundreds of thousands of
    clues of a county run; treat it as read-only."""

    rule_code: str
    kind: str
    household_code: str
    village_code: str | None
    risk_type: str | None
    severity: str
    evidence: str  # JSON list; ID numbers masked


@dataclass
class ScreeningResult:
    as_of: dt.date
    engine: str
    clues: list[Clue]
    counts: dict[str, int]
    skipped: dict[str, str]
    catalogue_version: str
    catalogue: dict[str, Any]
    dataset_checksums: dict[str, str]
    bad_id_counts: dict[str, int] = field(default_factory=dict)
    bad_ids: dict[str, list[str]] = field(default_factory=dict)
    duration_seconds: float = 0.0
    peak_memory_bytes: int = 0


def run_screening(
    *,
    registry_dir: Path | str,
    sources_dir: Path | str,
    as_of: dt.date | None = None,
    engine: str = "duckdb",
    overrides: Mapping[str, Any] | None = None,
    province: str | None = None,
    progress: Progress | None = None,
    memory_limit: str = "6GB",
) -> ScreeningResult:
    """Screen the registry files in ``registry_dir`` against ``sources_dir``."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        # Row order inside a table means nothing to the engine (clues are sorted at the end):
        # let DuckDB write tables from all threads without keeping insertion order.
        con.execute("SET preserve_insertion_order = false")
        return _run(
            con,
            registry_dir=Path(registry_dir),
            sources_dir=Path(sources_dir),
            as_of=as_of,
            engine=engine,
            overrides=overrides,
            province=province,
            progress=progress,
        )
    finally:
        con.close()


def run_screening_on_connection(
    con: duckdb.DuckDBPyConnection,
    *,
    sources_dir: Path | str,
    as_of: dt.date | None = None,
    engine: str = "duckdb",
    overrides: Mapping[str, Any] | None = None,
    province: str | None = None,
    progress: Progress | None = None,
) -> ScreeningResult:
    """Screen relations ``households`` and ``persons`` already in ``con`` (columns as in
    INTERFACES 2.1). The engine adds temporary relations prefixed ``stg_``, ``d_``,
    ``ev_`` and ``pf``/``hf``/``ap`` to the connection."""
    return _run(
        con,
        registry_dir=None,
        sources_dir=Path(sources_dir),
        as_of=as_of,
        engine=engine,
        overrides=overrides,
        province=province,
        progress=progress,
    )


def _run(
    con: duckdb.DuckDBPyConnection,
    *,
    registry_dir: Path | None,
    sources_dir: Path,
    as_of: dt.date | None,
    engine: str,
    overrides: Mapping[str, Any] | None,
    province: str | None,
    progress: Progress | None,
) -> ScreeningResult:
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"unknown engine {engine!r}; use duckdb or spark")
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    _reset_peak_memory()
    catalogue = build_catalogue(
        as_of=as_of or dt.date.today(), overrides=overrides, province=province
    )
    with new_workdir() as tmp:
        workdir = Path(tmp)
        con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
        say("reading input files")
        staged = stage_all(con, registry_dir=registry_dir, sources_dir=sources_dir, workdir=workdir)
        plan = compile_plan(catalogue, staged.present, dialect=engine)
        say(f"running {len(plan.rule_codes)} rules on {engine}")
        if engine == "spark":
            from villageaid.screening.engine.spark import execute_on_spark

            execute_on_spark(con, plan, staged, workdir)
        else:
            execute_on_duckdb(con, plan)
        drop_intermediates(con, plan, staged)
        say("building clues")
        clues = fetch_clues(con, catalogue, plan)
    say(f"{len(clues)} clues")
    return _result(catalogue, staged, clues, engine, time.perf_counter() - started)


def execute_on_duckdb(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    for name, sql in plan.statements:
        # Rules stay views: ``ev_all`` runs them all in one parallel pipeline instead of
        # writing every rule's rows twice.
        kind = "TABLE" if name in plan.materialised or name == "ev_all" else "VIEW"
        con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")


def fetch_clues(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, plan: Plan) -> list[Clue]:
    """Group ``ev_all`` into one clue per (rule, household) with JSON evidence."""
    meta = [
        (r.code, r.kind, r.risk_type, str(catalogue.params[r.code]["severity"]))
        for r in catalogue.rules
    ]
    order = " ".join(f"WHEN '{code}' THEN {n}" for n, (code, *_rest) in enumerate(meta))
    # Evidence is built in SQL: one JSON object per row, concatenated per clue. This is
    # several times cheaper than ``to_json(list(struct_pack(...)))`` on DuckDB.
    item = (
        f"CAST(json_object('person', {mask_sql('e.person_id')}, 'source', e.source, "
        "'date', CAST(e.record_date AS VARCHAR), 'value', CAST(e.amount AS VARCHAR), "
        "'detail', e.detail) AS VARCHAR)"
    )
    # No ORDER BY inside the aggregate: an ordered aggregate sorts per group and doubles the
    # cost of this query. Evidence order is therefore unspecified; compare it as a set
    # (``reference.canonical``); the Django side sorts the items of the clues it stores.
    # Only the rule's position travels back: its code, kind, risk type and severity are
    # shared Python strings, not one copy per clue.
    # Millions of new tuples and clues would set off the cyclic garbage collector again and
    # again (none of them can form a cycle): pause it while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _clue_objects(con, meta, order, item)
    finally:
        if collecting:
            gc.enable()


def _clue_objects(
    con: duckdb.DuckDBPyConnection,
    meta: list[tuple[str, str, str | None, str]],
    order: str,
    item: str,
) -> list[Clue]:
    result = con.execute(
        f"SELECT CASE e.rule_code {order} END AS ord, e.household_code, h.village_code, "
        f"'[' || string_agg({item}, ',') || ']' "
        "FROM (SELECT DISTINCT * FROM ev_all) e "
        "LEFT JOIN (SELECT household_code, MIN(village_code) AS village_code "
        "FROM stg_households GROUP BY household_code) h ON h.household_code = e.household_code "
        "GROUP BY ALL ORDER BY ord, e.household_code"
    )
    clues: list[Clue] = []
    append = clues.append
    # In batches: the rows of one batch, not of the whole run, exist as tuples at once.
    while rows := result.fetchmany(FETCH_BATCH):
        for n, household, village, evidence in rows:
            code, kind, risk_type, severity = meta[n]
            append(Clue(code, kind, household, village, risk_type, severity, evidence))
    return clues


def drop_intermediates(con: duckdb.DuckDBPyConnection, plan: Plan, staged: Staged) -> None:
    """Free the memory of the relations the clue query no longer needs (``ev_all`` and
    ``stg_households`` stay)."""
    names = [*(f"stg_{n}" for n in sorted(staged.present)), "stg_persons", *plan.materialised]
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _result(
    catalogue: Catalogue, staged: Staged, clues: list[Clue], engine: str, seconds: float
) -> ScreeningResult:
    counts = Counter(c.rule_code for c in clues)
    return ScreeningResult(
        as_of=catalogue.window.as_of,
        engine=engine,
        clues=clues,
        counts={code: counts.get(code, 0) for code, _ in _runnable(catalogue, staged)},
        skipped=catalogue.skipped(staged.present),
        catalogue_version=catalogue.version,
        catalogue=catalogue.describe(),
        dataset_checksums=staged.checksums,
        bad_id_counts=staged.bad_id_counts,
        bad_ids=staged.bad_ids,
        duration_seconds=seconds,
        peak_memory_bytes=peak_memory_bytes(),
    )


def _runnable(catalogue: Catalogue, staged: Staged) -> list[tuple[str, None]]:
    return [(rule.code, None) for rule, _ in catalogue.runnable(staged.present)]


def _reset_peak_memory() -> None:
    """Reset the kernel's peak-RSS mark so the run reports its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_clues_csv(result: ScreeningResult, path: Path | str, run_id: str) -> int:
    """Write the clues as CSV (INTERFACES 3.4); returns the number of rows."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(
            (
                run_id,
                c.rule_code,
                c.kind,
                c.household_code,
                c.village_code or "",
                c.risk_type or "",
                c.severity,
                c.evidence,
            )
            for c in result.clues
        )
    return len(result.clues)
