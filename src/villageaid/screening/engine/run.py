# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Running a screening: staging, executing the compiled plan, building clues.

Clues stay columnar: the clue query writes them, sorted, to a Parquet file the result owns
(``ScreeningResult.clue_file``); the CSV is written from it by DuckDB and the Django push reads
it in batches. Python ``Clue`` objects are made only on request (``iter_clues``, ``clues``).
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
from villageaid.screening.engine.derived import mask_sql
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
# Columns of the clue file; kind, risk type and severity come from ``ScreeningResult.rules``.
CLUE_FILE_COLUMNS = ("rule_code", "household_code", "village_code", "evidence")
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
    """A run's figures and its clues. The clues are the Parquet file ``clue_file`` (columns
    ``CLUE_FILE_COLUMNS``, sorted by rule in catalogue order, then household), in a temporary
    directory that lives as long as the result (or until :meth:`close`)."""

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
    _store: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    _clues: list[Clue] | None = field(default=None, repr=False)

    def iter_clue_batches(self, size: int = FETCH_BATCH) -> Iterator[list[Clue]]:
        """The clues in file order, ``size`` at a time (only one batch exists as objects)."""
        rules = {code: (code, m.kind, m.risk_type, m.severity) for code, m in self.rules.items()}
        con = duckdb.connect()
        try:
            result = con.execute(
                f"SELECT {', '.join(CLUE_FILE_COLUMNS)} FROM read_parquet({quote_literal(self.clue_file)})"
            )
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
            write_clue_file(con, catalogue, clue_file)
            drop_intermediates(con, plan, staged, evidence="TABLE" if engine == "spark" else "VIEW")
            counts = clue_counts(con, clue_file)
    except BaseException:
        store.cleanup()
        raise
    result = _result(catalogue, staged, engine, clue_file, store, counts)
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


def clue_sql(catalogue: Catalogue) -> str:
    """Group ``ev_all`` into one row per (rule, household) with JSON evidence, sorted by the
    rule's place in the catalogue, then household."""
    order = " ".join(f"WHEN '{r.code}' THEN {n}" for n, r in enumerate(catalogue.rules))
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
    # The village joins the clues, not the (more) evidence rows.
    clues = (
        f"SELECT e.rule_code, e.household_code, '[' || string_agg({item}, ',') || ']' AS evidence "
        "FROM (SELECT DISTINCT * FROM ev_all) e GROUP BY e.rule_code, e.household_code"
    )
    return (
        "SELECT c.rule_code, c.household_code, h.village_code, c.evidence "
        f"FROM ({clues}) c LEFT JOIN (SELECT household_code, MIN(village_code) AS village_code "
        "FROM stg_households GROUP BY household_code) h ON h.household_code = c.household_code "
        f"ORDER BY CASE c.rule_code {order} END, c.household_code"
    )


def write_clue_file(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, path: Path) -> None:
    """The clue query straight into Parquet: no clue becomes a Python object."""
    con.execute(f"COPY ({clue_sql(catalogue)}) TO {quote_literal(path)} (FORMAT parquet)")


def clue_counts(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    rows = con.execute(
        f"SELECT rule_code, count(*) FROM read_parquet({quote_literal(path)}) GROUP BY rule_code"
    ).fetchall()
    return {str(code): int(n) for code, n in rows}


def drop_intermediates(
    con: duckdb.DuckDBPyConnection, plan: Plan, staged: Staged, *, evidence: str
) -> None:
    """Free the memory of the run's tables once the clue file is written; ``evidence`` is
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
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT {select} FROM read_parquet({quote_literal(result.clue_file)})) "
            f"TO {quote_literal(Path(path))} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', "
            "ESCAPE '\"', NEW_LINE E'\\r\\n', COMMENT '')"
        )
    finally:
        con.close()
    return result.clue_count
