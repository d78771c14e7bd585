from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from villageaid.core.models import Area
from villageaid.sales import exports
from villageaid.sales.models import Order


class Command(BaseCommand):
    help = (
        "Export the staff and budget-unit purchases (832-style purchase statistics) of a "
        "village or township to CSV or XLSX (by the file's suffix)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="file to write, .csv or .xlsx")
        parser.add_argument("--area", required=True, help="area code (village or above)")
        parser.add_argument("--start", help="first order day YYYY-MM-DD")
        parser.add_argument("--end", help="last order day YYYY-MM-DD")

    def handle(self, *args: Any, out: Path, area: str, **options: Any) -> None:
        found = Area.objects.filter(code=area).first()
        if found is None:
            raise CommandError(f"no area {area}")
        if out.suffix not in {".csv", ".xlsx"}:
            raise CommandError("the file must end in .csv or .xlsx")
        try:
            start = dt.date.fromisoformat(options["start"]) if options["start"] else None
            end = dt.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        orders = exports.purchases(
            Order.objects.filter(area_path__startswith=found.path), start, end
        )
        write = exports.purchases_csv if out.suffix == ".csv" else exports.purchases_xlsx
        out.write_bytes(write(orders=orders, actor=None))
        self.stdout.write(f"{out}: {orders.count()} orders")
