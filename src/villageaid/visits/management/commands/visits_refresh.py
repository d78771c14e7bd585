"""``villageaid visits_refresh [--today DATE]``: due visits past their date turn overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.visits import services


class Command(BaseCommand):
    help = "Mark due visits whose date has passed as overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to refresh for (YYYY-MM-DD), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else dt.date.today()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        count = services.due_visits_refresh(today=today)
        self.stdout.write(f"{count} due visits turned overdue on {today}")
