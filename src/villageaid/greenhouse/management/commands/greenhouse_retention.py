"""`villageaid greenhouse-retention`: roll up, then delete raw readings older than
``GREENHOUSE_RAW_DAYS`` (only rolled-up ones) and rollups past their own retention
(cron, daily; see :mod:`villageaid.greenhouse.rollups`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from villageaid.greenhouse.rollups import raw_days, readings_retention


class Command(BaseCommand):
    help = "Delete raw greenhouse readings older than the retention, after rolling them up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep raw readings this many days (default GREENHOUSE_RAW_DAYS, {raw_days()})",
        )

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        counts = readings_retention(keep_raw_days=days)
        self.stdout.write(json.dumps(counts, sort_keys=True))
