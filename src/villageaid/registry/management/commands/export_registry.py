from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.registry.models import Household
from villageaid.registry.services import registry_export


class Command(BaseCommand):
    help = (
        "Write households.csv and persons.csv with full ID numbers (administrators only; audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--village", help="only this village (12-digit code)")

    def handle(self, *args: Any, directory: Path, village: str | None, **options: Any) -> None:
        households = Household.objects.order_by("code").prefetch_related("members")
        if village:
            households = households.filter(village_id=village)
            if not households.exists():
                raise CommandError(f"村 {village} 没有农户或不存在")
        count = registry_export(
            directory=directory,
            households=households.iterator(chunk_size=1000),
            actor=None,
            full_ids=True,
        )
        self.stdout.write(f"{directory}: {count} 人")
