from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from villageaid.core import units
from villageaid.core.models import Area
from villageaid.sales import services


def _lat_lon(text: str) -> tuple[float, float]:
    lat, _, lon = text.partition(",")
    try:
        return float(lat), float(lon)
    except ValueError:
        raise CommandError(f"--depot wants LAT,LON, got {text!r}") from None


class Command(BaseCommand):
    help = (
        "Turn a delivery day's hotel standing orders into orders (FEFO lots, once per day; "
        "a standing order no lot covers is skipped with its reason) and, with --route, "
        "plan that day's delivery run with the hotels' receiving windows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--village", required=True, help="area code of the selling village")
        parser.add_argument("--date", help="delivery day YYYY-MM-DD (default: tomorrow)")
        parser.add_argument("--route", action="store_true", help="also plan the delivery run")
        parser.add_argument("--depot", default="", help="LAT,LON the vehicles start from")
        parser.add_argument("--vehicles", type=int, default=1)
        parser.add_argument("--capacity-jin", type=int, default=200)
        parser.add_argument("--start", default="07:00", help="departure time HH:MM")

    def handle(self, *args: Any, **options: Any) -> None:
        village = Area.objects.filter(code=options["village"]).first()
        if village is None:
            raise CommandError(f"no area {options['village']}")
        try:
            day = (
                dt.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate() + dt.timedelta(days=1)
            )
            start = dt.time.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["route"] and not options["depot"]:
            raise CommandError("--route needs --depot LAT,LON")
        run = services.standing_orders_place(village=village, date=day, actor=None)
        for order in run.placed:
            self.stdout.write(
                f"placed #{order.pk} {order.customer} {order.jin} 斤 lot {order.lot_id}"
            )
        for row, reason in run.skipped:
            self.stdout.write(f"skipped {row.customer}: {reason}")
        self.stdout.write(f"{day}: {len(run.placed)} placed, {len(run.skipped)} skipped")
        if options["route"]:
            planned = services.delivery_run_plan(
                village=village,
                date=day,
                depot=_lat_lon(options["depot"]),
                vehicles=options["vehicles"],
                capacity_grams=units.grams_from_jin(options["capacity_jin"]),
                start=start,
                actor=None,
            )
            self.stdout.write(
                f"run #{planned.pk}: {planned.stops.count()} stops, {planned.total_km} km"
            )
