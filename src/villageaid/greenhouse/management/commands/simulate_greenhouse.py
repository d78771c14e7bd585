"""`villageaid simulate-greenhouse`: run the tunnel model with a policy and print metrics JSON."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from villageaid.greenhouse.simulation.equipment import PRESETS, list_equipment
from villageaid.greenhouse.simulation.policies import CONTEXT_POLICIES, POLICIES
from villageaid.greenhouse.simulation.runner import simulate
from villageaid.greenhouse.stages import STAGES


class Command(BaseCommand):
    help = "Simulate a morel tunnel under a weather trace with a control policy (metrics as JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--weather", help="CSV: ts, air_temp_c, rh_pct, wind_ms, ghi_wm2")
        names = ", ".join(dict.fromkeys((*POLICIES, *CONTEXT_POLICIES)))
        parser.add_argument("--policy", help=f"one of: {names} (mpc = platform)")
        parser.add_argument(
            "--equipment",
            help=f"NAME[,NAME…] from --list-equipment, or a preset: {', '.join(PRESETS)}",
        )
        parser.add_argument(
            "--list-equipment", action="store_true", help="print the equipment catalogue (JSON)"
        )
        parser.add_argument(
            "--forecast", help="the park's forecast (weather CSV) for platform/mpc to plan on"
        )
        parser.add_argument("--stage", default="fruiting", help=f"one of: {', '.join(STAGES)}")
        parser.add_argument("--report", help="also write the metrics JSON to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list_equipment"]:
            rows = {"equipment": list_equipment(), "presets": PRESETS}
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not options["weather"] or not options["policy"]:
            raise CommandError("--weather and --policy are required")

        def progress(fraction: float) -> None:
            sys.stderr.write(f"\rsimulating {options['policy']}: {fraction:6.1%}")
            if fraction >= 1.0:
                sys.stderr.write("\n")
            sys.stderr.flush()

        try:
            metrics = simulate(
                options["weather"],
                options["policy"],
                stage=options["stage"],
                report_path=options["report"],
                progress=progress,
                equipment=options["equipment"],
                forecast_path=options["forecast"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc).splitlines()[0]) from exc
        self.stdout.write(json.dumps(metrics, ensure_ascii=False, indent=2))
