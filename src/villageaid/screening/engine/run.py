# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Running a screening: staging, executing the compiled plan, building clues.

Clues stay columnar, in two Parquet files the result owns: the (rule, household) set, sorted
(``ScreeningResult.clue_file``), and the rules' evidence rows (``evidence_file``), written by
the run at the speed of the rules alone. The JSON evidence of each clue is built where the
clues are read (``evidence.evidence_query``): the CSV is written by DuckDB and the Django push
reads the clues in batches. Python ``Clue`` objects are made only on request
(``iter_clues``, ``clues``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from villageaid.policy.resolved import Policy
from villageaid.screening.engine.catalogue import Catalogue, build_catalogue
from villageaid.screening.engine.compile import Plan, compile_plan
from villageaid.screening.engine.evidence import (
    clue_set_sql,
    evidence_query,
    evidence_rows_sql,
)
from villageaid.screening.engine.loader import Staged, new_workdir, quote_literal, stage_all

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
# Columns of what a clue is read as (``ScreeningResult.clue_rows_sql``); kind, risk type and
# severity come from ``ScreeningResult.rules``.
CLUE_FILE_COLUMNS = ("rule_code", "household_code", "village_code", "evidence")
READ_MEMORY_LIMIT = "6GB"
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


@dataclass(frozen=True)
class RuleMeta:
    """What every clue of one rule shares."""

    kind: str
    risk_type: str | None
    severity: str


@dataclass
class ScreeningResult:
    """A run's figures and its clues. The clues are the Parquet file ``clue_file`` (rule,
    household, village, sorted by rule in catalogue order, then household) and their evidence
    rows ``evidence_file`` (see ``evidence.py``), in a temporary directory that lives as long
    as the result (or until :meth:`close`). Without ``evidence_file``, ``clue_file`` holds
    the columns ``CLUE_FILE_COLUMNS`` itself (evidence built)."""

    as_of: dt.date
    engine: str
    clue_file: Path
    clue_count: int
    rules: dict[str, RuleMeta]
    counts: dict[str, int]
    skipped: dict[str, str]
    catalogue_version: str
    catalogue: dict[str, Any]
    dataset_checksums: dict[str, str]
    bad_id_counts: dict[str, int] = field(default_factory=dict)
    bad_ids: dict[str, list[str]] = field(default_factory=dict)
    duration_seconds: float = 0.0
    peak_memory_bytes: int = 0
    evidence_file: Path | None = None
    _store: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    _clues: list[Clue] | None = field(default=None, repr=False)

    def iter_clue_batches(self, size: int = FETCH_BATCH) -> Iterator[list[Clue]]:
        """The clues in file order, ``size`` at a time (only one batch exists as objects)."""
        rules = {code: (code, m.kind, m.risk_type, m.severity) for code, m in self.rules.items()}
        con = read_connection(self.clue_file.parent / "spill")
        try:
            result = con.execute(self.clue_rows_sql())
            while rows := result.fetchmany(size):
                batch = []
                for code, household, village, evidence in rows:
                    rule_code, kind, risk_type, severity = rules[code]
                    batch.append(
                        Clue(rule_code, kind, household, village, risk_type, severity, evidence)
                    )
                yield batch
        finally:
            con.close()

    def clue_rows_sql(self) -> str:
        """A query of every clue as ``CLUE_FILE_COLUMNS``, in clue file order: the second
        pass that builds the JSON evidence (one streamed query over both files)."""
        if self.evidence_file is None:
            columns = ", ".join(CLUE_FILE_COLUMNS)
            return f"SELECT {columns} FROM read_parquet({quote_literal(self.clue_file)})"
        return evidence_query(self.clue_file, self.evidence_file, self.rules)

    def iter_clues(self) -> Iterator[Clue]:
        for batch in self.iter_clue_batches():
            yield from batch

    @property
    def clues(self) -> list[Clue]:
        """All clues as objects: a convenience for tests and small runs; a county run
        should use :meth:`iter_clue_batches` or the file."""
        if self._clues is None:
            self._clues = list(self.iter_clues())
        return self._clues

    def close(self) -> None:
        """Delete the clue file (otherwise done when the result is garbage-collected)."""
        if self._store is not None:
            self._store.cleanup()


def run_screening(
    *,
    registry_dir: Path | str,
    sources_dir: Path | str,
    as_of: dt.date | None = None,
    engine: str = "duckdb",
    overrides: Mapping[str, Any] | None = None,
    province: str | None = None,
    progress: Progress | None = None,
    policy: Policy | None = None,
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
            policy=policy,
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
    policy: Policy | None = None,
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
        policy=policy,
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
    policy: Policy | None = None,
) -> ScreeningResult:
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"unknown engine {engine!r}; use duckdb or spark")
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    _reset_peak_memory()
    catalogue = build_catalogue(
        as_of=as_of or dt.date.today(), overrides=overrides, province=province, policy=policy
    )
    store = tempfile.TemporaryDirectory(prefix="villageaid-clues-")
    clue_file = Path(store.name) / "clues.parquet"
    evidence_file = Path(store.name) / "evidence.parquet"
    try:
        with new_workdir() as tmp:
            workdir = Path(tmp)
            con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
            say("reading input files")
            staged = stage_all(
                con, registry_dir=registry_dir, sources_dir=sources_dir, workdir=workdir
            )
            plan = compile_plan(catalogue, staged.present, dialect=engine)
            say(f"running {len(plan.rule_codes)} rules on {engine}")
            if engine == "spark":
                from villageaid.screening.engine.spark import execute_on_spark

                execute_on_spark(con, plan, staged, workdir)
            else:
                execute_on_duckdb(con, plan)
            # Rules read persons only through ``pf``: free the staged copy's memory for the
            # clue query's aggregations (at 10 M persons they spilled to disk without this).
            con.execute("DROP TABLE IF EXISTS stg_persons")
            say("building clues")
            write_clue_files(con, catalogue, clue_file, evidence_file)
            drop_intermediates(con, plan, staged, evidence="TABLE" if engine == "spark" else "VIEW")
            counts = clue_counts(con, clue_file)
    except BaseException:
        store.cleanup()
        raise
    result = _result(catalogue, staged, engine, clue_file, store, counts)
    result.evidence_file = evidence_file
    result.duration_seconds = time.perf_counter() - started
    say(f"{result.clue_count} clues")
    return result


def _result(
    catalogue: Catalogue,
    staged: Staged,
    engine: str,
    clue_file: Path,
    store: tempfile.TemporaryDirectory[str],
    counts: dict[str, int],
) -> ScreeningResult:
    return ScreeningResult(
        as_of=catalogue.window.as_of,
        engine=engine,
        clue_file=clue_file,
        clue_count=sum(counts.values()),
        rules={
            r.code: RuleMeta(r.kind, r.risk_type, str(catalogue.params[r.code]["severity"]))
            for r in catalogue.rules
        },
        counts={code: counts.get(code, 0) for code, _ in _runnable(catalogue, staged)},
        skipped=catalogue.skipped(staged.present),
        catalogue_version=catalogue.version,
        catalogue=catalogue.describe(),
        dataset_checksums=staged.checksums,
        bad_id_counts=staged.bad_id_counts,
        bad_ids=staged.bad_ids,
        peak_memory_bytes=peak_memory_bytes(),
        _store=store,
    )


def execute_on_duckdb(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    for name, sql in plan.statements:
        # Rules and ``ev_all`` stay views: the clue query runs every rule in one parallel
        # pipeline straight into its aggregation, without writing the evidence rows.
        kind = "TABLE" if name in plan.materialised else "VIEW"
        con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")


def write_clue_files(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, clue_file: Path, evidence_file: Path
) -> None:
    """First pass: every rule once into the evidence file (masked, as the rules give the
    rows), then the sorted (rule, household) set from two of its columns. No clue becomes a
    Python object and no JSON is built (``evidence.evidence_query`` does, when read)."""
    con.execute(f"COPY ({evidence_rows_sql()}) TO {quote_literal(evidence_file)} (FORMAT parquet)")
    codes = [r.code for r in catalogue.rules]
    con.execute(
        f"COPY ({clue_set_sql(evidence_file, codes, 'stg_households')}) "
        f"TO {quote_literal(clue_file)} (FORMAT parquet)"
    )


def read_connection(spill: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the second pass, with the run's memory limit, spilling (if
    ever) into ``spill``."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{READ_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {quote_literal(spill)}")
    return con


def clue_counts(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    rows = con.execute(
        f"SELECT rule_code, count(*) FROM read_parquet({quote_literal(path)}) GROUP BY rule_code"
    ).fetchall()
    return {str(code): int(n) for code, n in rows}


def drop_intermediates(
    con: duckdb.DuckDBPyConnection, plan: Plan, staged: Staged, *, evidence: str
) -> None:
    """Free the memory of the run's tables once the clue files are written; ``evidence`` is
    the kind of ``ev_all`` (a view on DuckDB, a table when Spark's rows landed in it)."""
    names = [*(f"stg_{n}" for n in sorted(staged.present)), "stg_persons", *plan.materialised]
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"DROP {evidence} IF EXISTS ev_all")


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
    """Write the clues as CSV (INTERFACES 3.4) with DuckDB; returns the number of rows.

    Byte for byte what Python's ``csv.writer`` gives (``test_csv_output``): CRLF line ends,
    a field quoted only when it holds a comma, a quote, CR or LF (DuckDB would also quote
    a ``#`` unless ``comment`` is empty), quotes doubled, empty and missing values written
    as nothing.
    """

    def meta(attribute: str) -> str:
        cases = " ".join(
            f"WHEN {quote_literal(code)} THEN {quote_literal(getattr(m, attribute) or '')}"
            for code, m in result.rules.items()
        )
        return f"CASE rule_code {cases} END"

    columns = {
        "run_id": quote_literal(run_id),
        "rule_code": "rule_code",
        "kind": meta("kind"),
        "household_code": "household_code",
        "village_code": "village_code",
        "risk_type": meta("risk_type"),
        "severity": meta("severity"),
        "evidence": "evidence",
    }
    select = ", ".join(f"NULLIF({columns[name]}, '') AS {name}" for name in CSV_COLUMNS)
    con = read_connection(result.clue_file.parent / "spill")
    try:
        con.execute(
            f"COPY (SELECT {select} FROM ({result.clue_rows_sql()}) c) "
            f"TO {quote_literal(Path(path))} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', "
            "ESCAPE '\"', NEW_LINE E'\\r\\n', COMMENT '')"
        )
    finally:
        con.close()
    return result.clue_count
