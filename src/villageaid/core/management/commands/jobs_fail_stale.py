from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from villageaid.core.jobs import jobs_fail_stale


class Command(BaseCommand):
    help = (
        "Fail background jobs that a killed worker left running (run after a crash, or from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=30.0, help="older than this is stale")

    def handle(self, *args: Any, minutes: float, **options: Any) -> None:
        failed = jobs_fail_stale(minutes=minutes)
        self.stdout.write(f"已标记失败 {len(failed)} 个中断的任务: {failed}")
