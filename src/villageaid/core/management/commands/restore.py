from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup FILE into an empty database (migrated first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: 文件不存在")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复 {sum(manifest['counts'].values())} 行, {manifest['media_files']} 个文件"
        )
