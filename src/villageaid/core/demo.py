"""The demo loader: every app may ship ``<app>/demo.py`` with

* ``load(ctx: DemoContext) -> None`` — add its demo records (idempotent), and
* ``start(ctx: DemoContext) -> list[Callable[[], None]]`` — optional services to
  run beside the web app (broker, simulator ...), returning their stop functions.

Apps run in ``INSTALLED_APPS`` order, so upstream data exists before downstream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings

from villageaid.core.areas import areas_import

DEMO_AREAS = Path(__file__).parent / "data" / "demo_areas.csv"
BEIMA = "371003105201"
SONGCUN = "371003105000"
WENDENG = "371003000000"
WEIHAI = "371000000000"


@dataclass
class DemoContext:
    password: str
    stdout: Any
    data_dir: Path = field(default_factory=lambda: Path(settings.DATA_DIR))
    users: dict[str, Any] = field(default_factory=dict)
    bind: str = "127.0.0.1:8000"

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


def demo_modules() -> Iterator[tuple[str, ModuleType]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("villageaid.") or config.label == "core":
            continue
        try:
            yield config.label, import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


def load_all(ctx: DemoContext) -> None:
    areas_import(path=DEMO_AREAS)
    for label, module in demo_modules():
        loader = getattr(module, "load", None)
        if loader is not None:
            ctx.say(f"· {label}")
            loader(ctx)


def start_worker() -> Callable[[], None]:
    """A background-job worker in a thread, so the demo needs no second process."""
    import threading

    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="demo-worker",
        excluded_queue_names=[],
    )
    threading.Thread(target=worker.run, name="demo-worker", daemon=True).start()

    def stop() -> None:
        worker.running = False

    return stop


def start_all(ctx: DemoContext) -> list[Callable[[], None]]:
    stops: list[Callable[[], None]] = [start_worker()]
    for _label, module in demo_modules():
        starter = getattr(module, "start", None)
        if starter is not None:
            stops.extend(starter(ctx))
    return stops
