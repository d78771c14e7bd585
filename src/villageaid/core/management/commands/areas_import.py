from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.core.areas import AreaImportError, areas_import


class Command(BaseCommand):
    help = "Load administrative areas from CSV code,name,level,parent_code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: 文件不存在")
        try:
            summary = areas_import(path=file)
        except (AreaImportError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"新增 {summary.created}，更名 {summary.renamed}，未变 {summary.unchanged}"
        )
