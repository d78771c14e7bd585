"""`villageaid mqtt-listen`: store greenhouse telemetry from the MQTT broker (INTERFACES 4.1)."""

from __future__ import annotations

import json
import socket
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from villageaid.greenhouse.listener import Options, listen


class Command(BaseCommand):
    help = "Subscribe to greenhouse telemetry (platform JSON, Tasmota, ESPHome) and store it."
    # No system checks: they import every URL conf and API router (the whole project),
    # which doubled the time a killed listener needs to be back (the broker queues only
    # so much for it meanwhile). `villageaid check` runs them at deployment.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default=None, help="broker URL (default settings.MQTT_URL)")
        parser.add_argument(
            "--client-id",
            default=f"villageaid-listen-{socket.gethostname()}",
            help="stable id: the broker keeps this client's session while it is away",
        )
        parser.add_argument("--shared", default="", help="subscribe as $share/GROUP/...")
        parser.add_argument("--session-expiry", type=int, default=3600, help="seconds")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)
        parser.add_argument("--batch-size", type=int, default=1000, help="messages per write")
        parser.add_argument("--batch-seconds", type=float, default=0.5)
        parser.add_argument(
            "--receive-maximum",
            type=int,
            default=2000,
            help="MQTT 5: unacknowledged messages the broker may have in flight to us",
        )
        parser.add_argument("--idle-seconds", type=float, default=0.02)
        parser.add_argument(
            "--alerts-every", type=float, default=5.0, help="seconds between alert runs; 0 = off"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = Options(
            url=options["url"] or settings.MQTT_URL,
            client_id=options["client_id"],
            shared=options["shared"],
            session_expiry=options["session_expiry"],
            max_seconds=options["max_seconds"],
            max_messages=options["max_messages"],
            batch_size=options["batch_size"],
            batch_seconds=options["batch_seconds"],
            idle_seconds=options["idle_seconds"],
            receive_maximum=options["receive_maximum"],
            evaluate_every=options["alerts_every"],
        )
        try:
            counts = listen(config)
        except OSError as exc:
            raise CommandError(f"cannot reach the MQTT broker at {config.url}: {exc}") from exc
        self.stdout.write(json.dumps(dict(counts), sort_keys=True))
