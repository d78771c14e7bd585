"""A consistent snapshot of the live registry as DuckDB relations ``households`` and
``persons`` (INTERFACES 2.1 columns), for :func:`run_screening_on_connection`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import duckdb
from django.db import connection, transaction

from villageaid.core import pii
from villageaid.registry.models import Household, Person
from villageaid.screening.engine.datasets import BY_NAME

CHUNK = 5000
T = TypeVar("T")

HOUSEHOLD_FIELDS = (
    "code",
    "village_id",
    "household_type",
    "monitoring_status",
    "monitoring_category",
    "risk_types",
    "net_income_12m",
)
PERSON_FIELDS = (
    "household__code",
    "id_cipher",
    "sex",
    "birth_date",
    "health",
    "labour",
    "medical_insurance",
    "status",
)


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _create(con: duckdb.DuckDBPyConnection, name: str) -> None:
    columns = ", ".join(f"{c} VARCHAR" for c in BY_NAME[name].column_names)
    con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def snapshot_registry(
    con: duckdb.DuckDBPyConnection,
    *,
    area_path: str = "",
    say: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Copy the households under ``area_path`` and their members into ``con`` inside one
    read transaction (REPEATABLE READ on PostgreSQL, so both tables are from the same
    moment); ID numbers are decrypted in chunks, never all held at once as objects."""
    _create(con, "households")
    _create(con, "persons")
    counts = {"households": 0, "persons": 0}
    outermost = not connection.in_atomic_block  # else the caller's transaction decides
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        households = Household.objects.filter(area_path__startswith=area_path).order_by("pk")
        rows = households.values_list(*HOUSEHOLD_FIELDS).iterator(chunk_size=CHUNK)
        for batch in _chunks(rows, CHUNK):
            con.executemany(
                "INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?)",
                [tuple(_text(v) for v in row) for row in batch],
            )
            counts["households"] += len(batch)
        persons = Person.objects.filter(household__area_path__startswith=area_path).order_by("pk")
        rows2 = persons.values_list(*PERSON_FIELDS).iterator(chunk_size=CHUNK)
        for batch2 in _chunks(rows2, CHUNK):
            con.executemany(
                "INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (row[0], pii.decrypt(row[1]) if row[1] else None, *map(_text, row[2:]))
                    for row in batch2
                ],
            )
            counts["persons"] += len(batch2)
            if say is not None:
                say(f"registry snapshot: {counts['persons']} persons")
    return counts


def snapshot_linkage_registry(con: duckdb.DuckDBPyConnection, *, area_path: str = "") -> int:
    """The relation ``link_registry`` (screening.linkage's registry side: ``person_id``,
    ``name``, ``sex``, ``birth_date``, ``village_code``, ``household_code``) for the
    persons under ``area_path``; IDs decrypted in chunks."""
    con.execute(
        "CREATE OR REPLACE TABLE link_registry (person_id VARCHAR, name VARCHAR, sex VARCHAR, "
        "birth_date VARCHAR, village_code VARCHAR, household_code VARCHAR)"
    )
    fields = (
        "id_cipher",
        "name",
        "sex",
        "birth_date",
        "household__village__code",
        "household__code",
    )
    persons = Person.objects.filter(household__area_path__startswith=area_path).order_by("pk")
    count = 0
    for batch in _chunks(persons.values_list(*fields).iterator(chunk_size=CHUNK), CHUNK):
        con.executemany(
            "INSERT INTO link_registry VALUES (?, ?, ?, ?, ?, ?)",
            [(pii.decrypt(row[0]) if row[0] else None, *map(_text, row[1:])) for row in batch],
        )
        count += len(batch)
    return count
