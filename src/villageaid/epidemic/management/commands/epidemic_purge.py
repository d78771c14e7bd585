from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from villageaid.epidemic.services import epidemic_purge


class Command(BaseCommand):
    help = "Delete gate and temperature data past its retention period, keeping anonymous counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="purge as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, as_of: str | None, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of 日期格式应为 YYYY-MM-DD: {as_of}") from exc
        log = epidemic_purge(as_of=day)
        counts = ", ".join(f"{k}={v}" for k, v in log.counts.items())
        self.stdout.write(f"purge as of {day}: {counts}")
