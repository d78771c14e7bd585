from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web app on a production server (gunicorn on POSIX, waitress elsewhere)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--access-log",
            default="-",
            help="file for gunicorn's access log, '-' for stdout (default), 'none' for none "
            "(behind a proxy that logs requests; every service write is audited anyway)",
        )

    def handle(
        self, *args: Any, bind: str, workers: int, threads: int, access_log: str, **options: Any
    ) -> None:
        try:
            from gunicorn.app.base import BaseApplication
        except ImportError:  # Windows: no gunicorn
            from waitress import serve

            from villageaid.wsgi import application

            serve(application, listen=bind, threads=workers * threads)
            return

        from villageaid.core.logging import gunicorn_logger_class

        class App(BaseApplication):
            def load_config(self) -> None:
                for key, value in {
                    "bind": bind,
                    "workers": workers,
                    "threads": threads,
                    "accesslog": None if access_log == "none" else access_log,
                    "timeout": 120,
                    # Access and error lines pass the personal-data mask (core.logging).
                    "logger_class": gunicorn_logger_class(),
                }.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from villageaid.wsgi import application

                return application

        App().run()
