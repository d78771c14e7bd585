from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.core.progress import Progress
from villageaid.registry import roster, rosterscope
from villageaid.registry.services import registry_commit


class Command(BaseCommand):
    help = "Staged import of an XLSX or CSV household roster (INTERFACES 2.2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--village", help="12-digit village code when the roster has no 行政村代码 column"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only; commit nothing")

    def handle(
        self, *args: Any, file: Path, village: str | None, dry_run: bool, **options: Any
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: 文件不存在")
        bar = Progress(stream=sys.stderr, label="校验")
        try:
            result = roster.parse_roster(
                file,
                village_code=village,
                village_exists=lambda code: Area.objects.filter(
                    code=code, level="village"
                ).exists(),
                progress=bar,
            )
        except roster.RosterError as exc:
            raise CommandError(str(exc)) from exc
        rosterscope.check(result, source=file)  # no household moves between villages here
        bar.finish()
        households, persons = len(result.households), len(result.persons)
        if result.rejected:
            errors = roster.write_error_workbook(result, file.with_name(file.stem + ".errors.xlsx"))
            for r in result.rejected[:20]:
                self.stderr.write(f"第{r.row}行 {r.column}: {r.reason}")
            rows = len({r.row for r in result.rejected})
            raise CommandError(f"{rows} 行被拒绝，未导入任何数据；错误清单: {errors}")
        if dry_run:
            self.stdout.write(f"校验通过: {households} 户 {persons} 人（--dry-run，未写入）")
            return
        try:
            counts = registry_commit(
                households=result.households,
                persons=result.persons,
                actor=None,
                source=str(file),
                progress=Progress(stream=sys.stderr, label="写入"),
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"导入完成: {households} 户 {persons} 人；新增户 {counts['households_created']}，"
            f"更新户 {counts['households_updated']}，新增人 {counts['persons_created']}，"
            f"更新人 {counts['persons_updated']}"
        )
