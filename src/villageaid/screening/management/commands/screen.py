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

        parser.add_argument(
            "--area", help="area code to screen when reading the live registry (default: root)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["sources"].is_dir():
            raise CommandError(f"{options['sources']}: not a directory")
        if options["registry"] is None:
            self._live(options)
            return
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
            f"run {run_id}: {result.clue_count} clues, catalogue {result.catalogue_version}, "
            f"{result.duration_seconds:.1f}s"
        )

    def _live(self, options: dict[str, Any]) -> None:
        """Screen a consistent snapshot of the live registry; store the run and push the
        clues unless ``--no-push`` (then only the CSV and the summary are produced)."""
        import duckdb

        from villageaid.core.models import Area
        from villageaid.core.progress import Progress
        from villageaid.policy.resolver import policy_for
        from villageaid.screening import services
        from villageaid.screening.engine import run_screening_on_connection
        from villageaid.screening.snapshot import snapshot_registry

        areas = Area.objects.all()
        area = (
            areas.filter(code=options["area"]).first()
            if options["area"]
            else areas.filter(parent__isnull=True).order_by("path").first()
        )
        if area is None:
            raise CommandError("no such area; load areas first or pass --area CODE")
        as_of = options["as_of"] or dt.date.today()
        # Check every department file before anything is written: a bad file is one
        # error naming the file and the column, and leaves the database as it was.
        from villageaid.screening.engine.datasets import DEPARTMENT
        from villageaid.screening.engine.loader import find_file

        for dataset in DEPARTMENT:
            path = find_file(options["sources"], dataset.name)
            if path is not None:
                try:
                    services.validate_dataset_file(path, dataset.name, str(path))
                except services.UploadError as exc:
                    raise CommandError(str(exc)) from exc
        try:
            if options["no_push"]:
                con = duckdb.connect()
                try:
                    snapshot_registry(con, area_path=area.path)
                    result = run_screening_on_connection(
                        con,
                        sources_dir=options["sources"],
                        as_of=as_of,
                        engine=options["engine"],
                        progress=lambda msg: print(msg, file=sys.stderr),
                        policy=policy_for(area, as_of),
                    )
                finally:
                    con.close()
                run_id = uuid.uuid4().hex
                if options["out"] is not None:
                    write_clues_csv(result, options["out"], run_id)
                result.close()
                self.stdout.write(f"run {run_id}: {result.clue_count} clues (not pushed)")
                return
            run = services.run_create(
                as_of=as_of, area=area, actor=None, engine=options["engine"], push=True
            )
            progress = Progress(job=run.job, stream=sys.stderr, label="screen")
            results: list[Any] = []
            try:
                run = services.run_execute(
                    run,
                    progress=progress,
                    sources_dir=options["sources"],
                    on_result=results.append,
                )
            except Exception as exc:
                progress.fail(str(exc))
                raise
            progress.finish({"run_id": run.pk, "clues": run.clue_count})
        except (InputError, CatalogueError) as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            if options["out"] is not None:
                write_clues_csv(result, options["out"], str(run.pk))
            result.close()
        for code, count in run.counts.items():
            self.stdout.write(f"{code}\t{count}")
        for code, reason in run.skipped.items():
            self.stdout.write(f"{code}\tskipped: {reason}")
        self.stdout.write(
            f"run {run.pk}: {run.clue_count} clues, {run.pushed_count} new pushed, "
            f"catalogue {run.catalogue_version}, {run.duration_seconds:.1f}s"
        )
