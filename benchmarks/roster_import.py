"""Roster import benchmark: N persons (default 100,000) from XLSX, validated and
committed — the INTERFACES 2.2 path of `villageaid import-households` — into the
database of DATABASE_URL (use PostgreSQL; target under 30 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/va_bench \
        .venv/bin/python benchmarks/roster_import.py --persons 100000

The database is created (and emptied) by the script: never point it at real data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
os.environ.setdefault("VILLAGEAID_TESTING", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from villageaid.core.areas import areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.registry import roster, synth
    from villageaid.registry.models import Household, Person
    from villageaid.registry.services import registry_commit

    call_command("migrate", verbosity=0)
    tables = [
        m._meta.db_table for m in (Person, Person.history.model, Household, Household.history.model)
    ]
    with connection.cursor() as cursor:  # start from an empty registry
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            Person.objects.all().delete()
            Household.objects.all().delete()
    areas_import(path=DEMO_AREAS)
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"roster-{args.persons}.xlsx"
    if not path.exists():
        print(f"writing {path} ...", file=sys.stderr)
        households, persons = synth.generate_registry(args.persons, seed=1)
        synth.write_roster_xlsx(path, households, persons)

    start = time.perf_counter()
    result = roster.parse_roster(path, village_exists=lambda code: True)
    parsed = time.perf_counter()
    assert not result.rejected, result.rejected[:3]
    counts = registry_commit(
        households=result.households, persons=result.persons, actor=None, source="bench"
    )
    committed = time.perf_counter()
    again = registry_commit(
        households=result.households, persons=result.persons, actor=None, source="bench"
    )
    reimport = time.perf_counter()

    print(f"database            {connection.vendor}")
    print(f"persons             {len(result.persons)}  households {len(result.households)}")
    print(f"parse + validate    {parsed - start:6.1f} s")
    print(f"commit (insert)     {committed - parsed:6.1f} s   {counts}")
    print(f"total               {committed - start:6.1f} s   target < 30 s")
    print(f"re-import (no-op)   {reimport - committed:6.1f} s   {again}")


if __name__ == "__main__":
    main()
