"""The demo loader: every app may ship ``<app>/demo.py`` with

* ``load(ctx: DemoContext) -> None`` — add its demo records (idempotent), and
* ``start(ctx: DemoContext) -> list[Callable[[], None]]`` — optional services to
  run beside the web app (broker, simulator ...), returning their stop functions.

Apps run in ``INSTALLED_APPS`` order, so upstream data exists before downstream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings

from villageaid.core import clock
from villageaid.core.areas import areas_import

DEMO_AREAS = Path(__file__).parent / "data" / "demo_areas.csv"
BEIMA = "371003105201"
SONGCUN = "371003105000"
WENDENG = "371003000000"
WEIHAI = "371000000000"
# The day the demo stands on: the last day of its visits and hotel orders (April 2020). The
# loader puts the site on it first (core.clock), so the apps' loaders plan from it and each
# role's first page shows the demo's own period; records written while trying the demo keep
# their real dates.
DEMO_DAY = dt.date(2020, 4, 26)


@dataclass
class DemoContext:
    password: str
    stdout: Any
    data_dir: Path = field(default_factory=lambda: Path(settings.DATA_DIR))
    users: dict[str, Any] = field(default_factory=dict)
    bind: str = "127.0.0.1:8000"
    mqtt_port: int | None = None  # the embedded broker's; None: 18830, or a free one if taken

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


# Where a newcomer starts in each module: (module, demo login, what to try there).
FIRST_STEPS = [
    ("农户台账", "cadre", "北马村村干部：户卡、花名册导入"),
    ("监测筛查", "county", "县乡村振兴局：部门数据比对和预警线索"),
    ("监测帮扶", "cadre", "村干部：案件从发现到认定、公示"),
    ("结对走访", "helper", "帮扶责任人：今日应走访，手机上填写"),
    ("大棚", "tech", "园区技术员：实时温湿度和放风指令"),
    ("消费帮扶", "sales", "销售专员：今日订单、直播和认购"),
    ("村口防疫", "gate", "卡口志愿者：登记通行和体温"),
    ("成绩单", "township", "宋村镇：各村成绩单和 PDF"),
]


def closing_lines(ctx: DemoContext, url: str) -> list[str]:
    """What the demo prints last: where to open, how to log in, whom to try first."""
    lines = [
        f"打开 {url}",
        f"演示账号（密码都是 {ctx.password}）：{'、'.join(ctx.users)}",
    ]
    lines += [f"{module}：先用 {login} 登录（{what}）" for module, login, what in FIRST_STEPS]
    return lines


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
    clock.set_working_date(DEMO_DAY, reason="demo")
    ctx.say(f"· 演示日期 {DEMO_DAY:%Y-%m-%d}（页面按这一天显示）")
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
