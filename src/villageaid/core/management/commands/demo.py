from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from villageaid.core import demo


class Command(BaseCommand):
    help = "Create the demo database, load the demo village and run the web app with its services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--data-dir", default="var", help="where the SQLite database lives (default ./var)"
        )
        parser.add_argument(
            "--load-only", action="store_true", help="load into the configured database and exit"
        )
        parser.add_argument(
            "--mqtt-port",
            type=int,
            default=None,
            help="the embedded MQTT broker's port (default 18830, or a free one when taken)",
        )

    def handle(
        self, *args: Any, bind: str, load_only: bool, mqtt_port: int | None, **options: Any
    ) -> None:
        password = os.environ.get("DEMO_PASSWORD") or "Demo-" + settings.SECRET_KEY[:8]
        ctx = demo.DemoContext(
            password=password, stdout=self.stdout, bind=bind, mqtt_port=mqtt_port
        )
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        ctx.say("加载演示数据 (loading the demo village) ...")
        demo.load_all(ctx)
        if load_only:
            self._print_logins(ctx)
            return
        self._serve(ctx, bind)

    def _print_logins(self, ctx: demo.DemoContext) -> None:
        ctx.say("演示账号 (demo logins): " + ", ".join(ctx.users))
        ctx.say(f"密码 (password): {ctx.password}")

    def _serve(self, ctx: demo.DemoContext, bind: str) -> None:
        from waitress import create_server

        from villageaid.wsgi import application

        host, _, port = bind.rpartition(":")
        server = create_server(application, host=host or "127.0.0.1", port=int(port), threads=8)
        stops = demo.start_all(ctx)
        for line in demo.closing_lines(ctx, f"http://{bind}/"):
            ctx.say(line)

        def shutdown(*_args: Any) -> None:
            threading.Thread(target=server.close, daemon=True).start()

        signal.signal(signal.SIGTERM, shutdown)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            for stop in stops:
                stop()
