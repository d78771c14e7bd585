from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from villageaid.core.progress import Progress
from villageaid.reports.services import indicators_refresh


class Command(BaseCommand):
    help = "Recompute the stored indicators (months and years of YEAR, every range asked for)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", help="repeatable; default this year"
        )

    def handle(self, *args: Any, year: list[int] | None, **options: Any) -> None:
        years = year or [timezone.localdate().year]
        count = indicators_refresh(years=years, progress=Progress(stream=sys.stderr, label="指标"))
        self.stdout.write(f"已重算 {count} 个区域-时段")
