"""``screen``: one screening run from files (INTERFACES 1 and 3)."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from villageaid.screening.engine import (
    CatalogueError,
    InputError,
    run_screening,
    write_clues_csv,
)


class Command(BaseCommand):
    help = "Screen the registry against department datasets and report clues."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--sources", required=True, type=Path, help="department datasets")
        parser.add_argument("--registry", type=Path, help="households.csv/persons.csv directory")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD, default today")
        parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
        parser.add_argument("--out", type=Path, help="write the clues as CSV")
        parser.add_argument("--no-push", action="store_true", help="leave the database untouched")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["registry"] is None:
            raise CommandError(
                "reading the live registry is not available yet; pass --registry DIR"
            )
        if not options["sources"].is_dir():
            raise CommandError(f"{options['sources']}: not a directory")
        try:
            result = run_screening(
                registry_dir=options["registry"],
                sources_dir=options["sources"],
                as_of=options["as_of"],
                engine=options["engine"],
                progress=lambda msg: print(msg, file=sys.stderr),
            )
        except (InputError, CatalogueError) as exc:
            raise CommandError(str(exc)) from exc
        run_id = uuid.uuid4().hex
        if options["out"] is not None:
            write_clues_csv(result, options["out"], run_id)
        for code, count in result.counts.items():
            self.stdout.write(f"{code}\t{count}")
        for code, reason in result.skipped.items():
            self.stdout.write(f"{code}\tskipped: {reason}")
        for name, count in result.bad_id_counts.items():
            if count:
                self.stderr.write(f"{name}: {count} bad ID number(s)")
        self.stdout.write(
            f"run {run_id}: {len(result.clues)} clues, catalogue {result.catalogue_version}, "
            f"{result.duration_seconds:.1f}s"
        )
