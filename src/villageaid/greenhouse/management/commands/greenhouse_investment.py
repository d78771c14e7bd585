"""`villageaid greenhouse-investment`: compute and cache the equipment investment figures."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from villageaid.greenhouse import investment


class Command(BaseCommand):
    help = (
        "Run the platform controller and the oracle for every equipment option on the shipped "
        "and the harsh trace and cache the figures the investment page shows."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
        parser.add_argument(
            "--option",
            action="append",
            help=f"only these options: {', '.join(o.key for o in investment.OPTIONS)}",
        )
        parser.add_argument("--trace", action="append", choices=list(investment.TRACES))
        parser.add_argument("--days", type=int, default=None, help="only the first N days")
        parser.add_argument("--output", help="write here instead of the data directory")
        parser.add_argument(
            "--policy",
            action="append",
            choices=list(investment.POLICIES),
            help="only these (default: platform and the oracle's limit)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        out = Path(options["output"]) if options["output"] else None
        try:
            doc = investment.compute(
                jobs=options["jobs"],
                options=options["option"],
                traces=options["trace"],
                days=options["days"],
                policies=options["policy"],
                progress=progress,
                on_row=lambda doc: investment.write(doc, out),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = investment.write(doc, out)
        self.stdout.write(f"{len(doc['rows'])} runs written to {path}")
