"""`villageaid control`: the stage-aware climate controller for every house (INTERFACES 4.3)."""

from __future__ import annotations

import json
import socket
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from villageaid.greenhouse.control import ControlLoop, mqtt_publisher, run
from villageaid.greenhouse.controller import ControllerSettings
from villageaid.greenhouse.simulation.equipment import equipment_set
from villageaid.greenhouse.simulation.weather import read_weather


class Command(BaseCommand):
    help = "Run the vent and misting controller for every house, publishing commands over MQTT."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default=None, help="broker URL (default settings.MQTT_URL)")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--client-id", default=f"villageaid-control-{socket.gethostname()}")
        parser.add_argument(
            "--equipment",
            default=None,
            help="the houses' equipment, NAME[,NAME…] or a preset (simulate-greenhouse "
            "--list-equipment); default the single film",
        )
        parser.add_argument(
            "--forecast",
            default=None,
            help="the park's weather forecast (weather CSV, INTERFACES §5) the controller plans "
            "on; default persistence plus yesterday's diurnal cycle",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.MQTT_URL
        try:
            kit = equipment_set(options["equipment"])
            forecast = read_weather(options["forecast"]) if options["forecast"] else None
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc).splitlines()[0]) from exc
        controller_settings = ControllerSettings(equipment=kit, forecast=forecast)
        try:
            client = mqtt_publisher(url, options["client_id"])
        except OSError as exc:
            raise CommandError(f"cannot reach the MQTT broker at {url}: {exc}") from exc
        try:
            counts = run(
                ControlLoop(publisher=client, controller_settings=controller_settings),
                options["interval"],
                once=options["once"],
                max_seconds=options["max_seconds"],
            )
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(json.dumps(dict(counts), sort_keys=True))
