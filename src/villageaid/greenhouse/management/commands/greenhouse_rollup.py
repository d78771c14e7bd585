"""`villageaid greenhouse-rollup`: merge new readings into the 5-minute and hourly rollups
(cron, every 5 minutes; see :mod:`villageaid.greenhouse.rollups`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from villageaid.greenhouse.rollups import rolled_up_to, rollup_readings


class Command(BaseCommand):
    help = "Merge the readings stored since the last run into the 5-minute and hourly rollups."

    def handle(self, *args: Any, **options: Any) -> None:
        merged = rollup_readings()
        self.stdout.write(f"已汇总 {merged} 条读数（至编号 {rolled_up_to()}）")
