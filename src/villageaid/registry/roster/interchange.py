"""The interchange files of INTERFACES 2.1 (``households.csv``, ``persons.csv``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from villageaid.core.textfiles import sniff_encoding
from villageaid.registry.roster.model import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, RosterError


def write_interchange(
    households: Iterable[dict[str, str]], persons: Iterable[dict[str, str]], directory: str | Path
) -> tuple[Path, Path]:
    """Write ``households.csv`` and ``persons.csv`` (INTERFACES 2.1, UTF-8, no BOM)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = (target / "households.csv", target / "persons.csv")
    for path, rows, columns in zip(
        paths, (households, persons), (HOUSEHOLD_COLUMNS, PERSON_COLUMNS), strict=True
    ):
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(
                fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
    return paths


def _read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    with path.open("rb") as raw:
        encoding = _detect_encoding(raw)
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.DictReader(fh)
        present = {(h or "").strip() for h in reader.fieldnames or ()}
        for column in columns:
            if column not in present:
                raise RosterError(f"{path.name} 缺少列 {column}")
        return [{c: (row.get(c) or "").strip() for c in columns} for row in reader]


def _read_parquet(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    import duckdb

    relation = duckdb.read_parquet(str(path))
    for column in columns:
        if column not in relation.columns:
            raise RosterError(f"{path.name} 缺少列 {column}")
    rows = relation.select(*columns).fetchall()
    return [
        {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=True)} for row in rows
    ]


def read_interchange(directory: str | Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Read ``households`` and ``persons`` (``.csv`` or ``.parquet``) from ``directory``.

    Values are returned as written (stripped strings), not validated: the screening rules
    (``Q01``–``Q06``) are what reports bad data in a registry.
    """
    base = Path(directory)
    tables = []
    for name, columns in (("households", HOUSEHOLD_COLUMNS), ("persons", PERSON_COLUMNS)):
        if (base / f"{name}.csv").exists():
            tables.append(_read_csv(base / f"{name}.csv", columns))
        elif (base / f"{name}.parquet").exists():
            tables.append(_read_parquet(base / f"{name}.parquet", columns))
        else:
            raise RosterError(f"{base} 中没有 {name}.csv")
    return tables[0], tables[1]


def _detect_encoding(raw: IO[bytes]) -> str:
    try:
        return sniff_encoding(raw)
    except ValueError as exc:
        raise RosterError(f"CSV 文件{exc}") from None
