from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.core.errors import ServiceError
from villageaid.sales import services
from villageaid.sales.models import Lot


class Command(BaseCommand):
    help = "Import a platform order/refund export (CSV/XLSX) into a lot and reconcile it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--lot", required=True, help="lot code")
        parser.add_argument("--channel", required=True, help="platform_meituan, platform_jd ...")

    def handle(self, *args: Any, file: Path, lot: str, channel: str, **options: Any) -> None:
        row = Lot.objects.filter(code=lot).first()
        if row is None:
            raise CommandError(f"no lot {lot}")
        try:
            report = services.platform_import(
                lot=row, channel=services.channel_get(channel), path=file, actor=None
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
