from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.cases import services


class Command(BaseCommand):
    help = (
        "Notify the township and county above every overdue case and every clue open past "
        "its limit (once each)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"bad --today: {exc}") from exc
        count = services.cases_escalate(today=today)
        clues = services.clues_escalate(today=today)
        self.stdout.write(f"escalated {count} overdue case(s), {clues} overdue clue(s)")
