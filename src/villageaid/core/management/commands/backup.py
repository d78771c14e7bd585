from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from villageaid.core import audit
from villageaid.core.backup import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the whole database and media to FILE (a zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        manifest = backup(file)
        audit.record(actor=None, action="backup.create", note=str(file))
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{file}: {rows} 行, {manifest['media_files']} 个文件")
