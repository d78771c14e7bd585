from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from villageaid.core.progress import Progress
from villageaid.reports.services import indicators_refresh


class Command(BaseCommand):
    help = (
        "Recompute stored indicators: months and years of YEAR, the last DAYS days, asked ranges."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", help="repeatable; default this year"
        )
        parser.add_argument("--days", type=int, default=7, help="also the last N days (default 7)")

    def handle(self, *args: Any, year: list[int] | None, days: int, **options: Any) -> None:
        years = year or [timezone.localdate().year]
        count = indicators_refresh(
            years=years,
            days=days,
            today=timezone.localdate(),
            progress=Progress(stream=sys.stderr, label="指标"),
        )
        self.stdout.write(f"已重算 {count} 个区域-时段")
