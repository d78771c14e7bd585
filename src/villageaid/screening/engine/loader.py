# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Reading input files into typed DuckDB staging tables ``stg_<dataset>``.

CSV may be UTF-8 (with or without BOM), UTF-16 with a BOM or GB18030; the encoding is
detected (core.textfiles) and anything but UTF-8 is transcoded to a temporary UTF-8 copy. Parquet is read as is.
Every value is cast from its text form, so CSV and Parquet stage identically.
"""

from __future__ import annotations

import hashlib
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from villageaid.core import idnumber
from villageaid.core.textfiles import sniff_encoding
from villageaid.screening.engine.datasets import DEPARTMENT, REGISTRY, Dataset
from villageaid.screening.engine.derived import id_chunks_sql, id_core_ok_from_chunks_sql

CHUNK = 1 << 20
BAD_ID_LIST_LIMIT = 100


class InputError(ValueError):
    """Input that cannot be screened: one line naming the file and the problem."""


@dataclass
class Staged:
    """What staging found: datasets present, checksums and bad department IDs."""

    present: set[str] = field(default_factory=set)
    checksums: dict[str, str] = field(default_factory=dict)
    bad_id_counts: dict[str, int] = field(default_factory=dict)
    bad_ids: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def find_file(directory: Path, name: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        path = directory / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def detect_encoding(path: Path) -> str:
    """``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030`` (names Python's ``open`` takes);
    raises :class:`InputError` when none decodes."""
    return _scan(path)[0]


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _scan(path: Path) -> tuple[str, str]:
    """Encoding and SHA-256 of a text file, hashed on the way through core's detector."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        try:
            encoding = sniff_encoding(handle, digest=digest)
        except ValueError:
            raise InputError(f"{path}: not UTF-8 or GB18030 text") from None
    return encoding, digest.hexdigest()


def _transcode(path: Path, workdir: Path, encoding: str) -> Path:
    target = workdir / f"{path.stem}.utf8.csv"
    with (
        path.open("r", encoding=encoding, newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        while chunk := src.read(CHUNK):
            dst.write(chunk)
    return target


def quote_literal(value: object) -> str:
    """``value`` as a DuckDB string literal (file paths, codes)."""
    return "'" + str(value).replace("'", "''") + "'"


def attach_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    relation: str,
    workdir: Path,
    *,
    hash_parquet: bool = True,
) -> str:
    """Create the view ``relation`` over a CSV or Parquet file; returns the file's SHA-256
    (computed in the same pass as the encoding check for CSV; for Parquet only when
    ``hash_parquet``, else ``""`` and the caller hashes the file)."""
    if path.suffix == ".parquet":
        checksum = file_checksum(path) if hash_parquet else ""
        source = f"read_parquet({quote_literal(path)})"
    else:
        encoding, checksum = _scan(path)
        if encoding not in ("utf-8", "utf-8-sig"):  # DuckDB reads UTF-8 and skips a BOM
            path = _transcode(path, workdir, encoding)
        source = (
            f"read_csv({quote_literal(path)}, header = true, all_varchar = true, delim = ',', "
            "quote = '\"', escape = '\"', sample_size = -1)"
        )
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT * FROM {source}")
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from exc
    return checksum


def _column_expr(source_column: str, kind: str) -> str:
    text = f"NULLIF(TRIM(CAST(\"{source_column}\" AS VARCHAR)), '')"
    if kind == "id":
        return f"UPPER({text})"
    if kind == "date":
        return f"TRY_CAST({text} AS DATE)"
    if kind == "money":
        return f"TRY_CAST({text} AS DECIMAL(18, 2))"
    if kind == "int":
        return f"TRY_CAST(TRY_CAST({text} AS DOUBLE) AS INTEGER)"
    return text


def stage(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, relation: str, label: str, *, rid: bool
) -> int:
    """Create ``stg_<name>`` from ``relation``; ``label`` names the input in errors."""
    found = {
        str(row[0]).strip().lstrip("\ufeff"): str(row[0])
        for row in con.execute(f"DESCRIBE {relation}").fetchall()
    }
    for column in dataset.column_names:
        if column not in found:
            raise InputError(f"{label}: missing required column {column!r}")
    selects = ", ".join(
        [
            f"{_column_expr(_escape_identifier(found[name]), kind)} AS {name}"
            for name, kind in dataset.columns
        ]
        + [
            f"{_column_expr(_escape_identifier(found[name]), kind)} AS {name}"
            if name in found
            else f"CAST(NULL AS VARCHAR) AS {name}"
            for name, kind in dataset.optional
        ]
    )
    sql = f"SELECT {selects} FROM {relation}"
    if "id_number" in dataset.column_names:
        # GB 11643 format, check digit and birth date, once per row as the column
        # ``id_core_ok`` (the address check is a join on ``id_place_ok``).
        chunks = id_chunks_sql("id_number")
        sql = (
            f"SELECT * EXCLUDE ({', '.join(alias for alias, _ in chunks)}), "
            f"{id_core_ok_from_chunks_sql('id_number')} AS id_core_ok FROM (SELECT *, "
            f"{', '.join(f'{expression} AS {alias}' for alias, expression in chunks)} "
            f"FROM ({sql}))"
        )
    if rid:
        # Record ids from the written table's row ids: ``ROW_NUMBER() OVER ()`` in the
        # staging query would run all of it (casts, ID check) on one thread.
        con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{dataset.name}_0 AS {sql}")
        sql = f"SELECT *, rowid AS rid FROM stg_{dataset.name}_0"
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{dataset.name} AS {sql}")
    con.execute(f"DROP TABLE IF EXISTS stg_{dataset.name}_0")
    row = con.execute(f"SELECT count(*) FROM stg_{dataset.name}").fetchone()
    return int(row[0]) if row else 0


def _escape_identifier(name: str) -> str:
    return name.replace('"', '""')


def build_place_table(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """``id_place_ok(addr, yr)``: address-code/birth-year pairs stdnum accepts.

    GB 11643's address check needs stdnum's county table, so it is run in
    Python once per distinct pair instead of once per person.
    """
    union = " UNION ".join(
        f"SELECT DISTINCT SUBSTR(id_number, 1, 6) AS addr, SUBSTR(id_number, 7, 4) AS yr "
        f"FROM stg_{name} WHERE id_core_ok"
        for name in names
    )
    pairs = con.execute(union).fetchall() if union else []
    ok = [(addr, yr) for addr, yr in pairs if _place_ok(addr, yr)]
    con.execute("CREATE OR REPLACE TEMP TABLE id_place_ok (addr VARCHAR, yr VARCHAR)")
    if ok:
        con.executemany("INSERT INTO id_place_ok VALUES (?, ?)", ok)


def _place_ok(addr: str, year: str) -> bool:
    first17 = f"{addr}{year}0101001"
    return idnumber.is_valid(first17 + idnumber.calc_check_digit(first17 + "0"))


def stage_all(
    con: duckdb.DuckDBPyConnection,
    *,
    registry_dir: Path | None,
    sources_dir: Path,
    workdir: Path,
) -> Staged:
    """Stage the registry (from files unless already in ``con``) and every department file.

    Parquet files are hashed on a worker thread while DuckDB stages them (hashlib and
    DuckDB both release the GIL); a CSV file is hashed in its encoding check."""
    staged = Staged()
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing: dict[str, Future[str]] = {}

        def attach(name: str, path: Path) -> None:
            if path.suffix == ".parquet":
                hashing[name] = pool.submit(file_checksum, path)
            staged.checksums[name] = attach_file(
                con, path, f"raw_{name}", workdir, hash_parquet=False
            )

        for dataset in REGISTRY:
            label = dataset.name
            if registry_dir is not None:
                path = find_file(registry_dir, dataset.name)
                if path is None:
                    raise InputError(
                        f"{registry_dir}: no {dataset.name}.csv or {dataset.name}.parquet"
                    )
                attach(dataset.name, path)
                relation, label = f"raw_{dataset.name}", str(path)
            else:
                relation = dataset.name
            staged.rows[dataset.name] = stage(con, dataset, relation, label, rid=False)
        for dataset in DEPARTMENT:
            path = find_file(sources_dir, dataset.name)
            if path is None:
                continue
            attach(dataset.name, path)
            staged.rows[dataset.name] = stage(
                con, dataset, f"raw_{dataset.name}", str(path), rid=True
            )
            staged.present.add(dataset.name)
        build_place_table(con, ["persons", *sorted(staged.present)])
        for name in sorted(staged.present):
            _count_bad_ids(con, name, staged)
        for name, checksum in hashing.items():
            staged.checksums[name] = checksum.result()
    return staged


def _count_bad_ids(con: duckdb.DuckDBPyConnection, name: str, staged: Staged) -> None:
    """Count (and list, masked) IDs failing GB 11643: the staged ``id_core_ok`` column and
    a hash join on ``id_place_ok`` for the address, not a correlated subquery per row."""
    col = "s.id_number"
    bad = (
        f"FROM stg_{name} s LEFT JOIN id_place_ok q "
        f"ON q.addr = SUBSTR({col}, 1, 6) AND q.yr = SUBSTR({col}, 7, 4) "
        "WHERE NOT (s.id_core_ok AND q.addr IS NOT NULL)"
    )
    row = con.execute(f"SELECT count(*) {bad}").fetchone()
    staged.bad_id_counts[name] = int(row[0]) if row else 0
    if staged.bad_id_counts[name]:
        ids = con.execute(
            f"SELECT DISTINCT COALESCE({col}, '') AS i {bad} ORDER BY i LIMIT {BAD_ID_LIST_LIMIT}"
        ).fetchall()
        staged.bad_ids[name] = [idnumber.mask(str(i[0])) for i in ids]


def new_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="villageaid-screening-")
