"""The ``villageaid`` console script.

Maps the documented command names (``areas import``, ``token create``,
``import-households``, ``worker`` ...) onto Django management commands and
passes everything else through, so ``villageaid migrate`` works too.

``villageaid --help``, ``--version`` and ``<command> --help`` need no configuration:
the list below is printed without loading Django, and a command's own help loads
Django with placeholder secrets that nothing can use (``VILLAGEAID_HELP_ONLY``).
A command whose settings are missing stops with one line naming them (exit 2).
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from cryptography.fernet import Fernet


@dataclass(frozen=True)
class Cmd:
    name: str  # as typed and shown (INTERFACES section 1)
    django: str  # the management command it runs
    zh: str
    en: str


# (module in Chinese, in English, its commands), in the order help shows them.
MODULES: list[tuple[str, str, list[Cmd]]] = [
    ("运行与运维", "Running and operations", [
        Cmd("demo", "demo", "建演示库、加载演示村并启动网站、MQTT 代理和大棚模拟",
            "create the demo database, load the demo village, run the site, broker and simulator"),
        Cmd("serve", "serve", "以生产服务器运行网站（--bind、--workers）",
            "run the web app on a production server (--bind, --workers)"),
        Cmd("worker", "db_worker", "运行后台任务（导入、筛查、导出、报表）",
            "run background jobs (imports, screening, exports, reports)"),
        Cmd("backup", "backup", "把整个数据库和上传文件备份到 FILE",
            "write a consistent backup of the database and media to FILE"),
        Cmd("restore", "restore", "把备份 FILE 恢复到空数据库",
            "restore a backup FILE into an empty database"),
        Cmd("jobs-fail-stale", "jobs_fail_stale", "把卡住的后台任务标为失败",
            "mark background jobs that stopped reporting as failed"),
    ]),
    ("区划与账号", "Areas and accounts", [
        Cmd("areas import", "areas_import", "从 CSV 导入行政区划（code,name,level,parent_code）",
            "load administrative areas from CSV code,name,level,parent_code"),
        Cmd("token create", "token_create", "为用户生成一个新的 API 令牌",
            "print a new API token for a user"),
    ]),
    ("农户台账", "Household registry", [
        Cmd("import-households", "import_households", "分步导入农户花名册（XLSX 或 CSV）",
            "staged import of an XLSX or CSV household roster"),
        Cmd("export-registry", "export_registry", "导出 households.csv 和 persons.csv（管理员，留痕）",
            "write households.csv and persons.csv (administrators, audited)"),
    ]),
    ("监测筛查", "Screening", [
        Cmd("screen", "screen", "用部门数据比对台账，生成预警线索",
            "screen the registry against department datasets and report clues"),
    ]),
    ("监测帮扶", "Cases", [
        Cmd("cases-escalate", "cases_escalate", "逾期案件提醒上级乡镇和县",
            "notify the township and county above every overdue case"),
        Cmd("policy-load", "policy_load", "从数据文件刷新随系统发布的政策版本",
            "refresh the shipped policy versions from their data files"),
    ]),
    ("结对走访", "Visits", [
        Cmd("visits-refresh", "visits_refresh", "重算走访覆盖情况", "recompute visit coverage"),
    ]),
    ("大棚", "Greenhouses", [
        Cmd("mqtt-listen", "mqtt_listen", "订阅 MQTT 并保存大棚传感器数据",
            "subscribe to the broker and store greenhouse telemetry"),
        Cmd("control", "control", "运行放风和喷雾控制，经 MQTT 下发指令",
            "run the vent and misting controller, publishing commands over MQTT"),
        Cmd("simulate-greenhouse", "simulate_greenhouse", "按天气和控制策略模拟大棚，输出指标 JSON",
            "simulate a tunnel under a weather trace and a control policy (JSON metrics)"),
        Cmd("greenhouse-rollup", "greenhouse_rollup", "把新读数汇总为 5 分钟和小时数据",
            "merge new readings into the 5-minute and hourly rollups"),
        Cmd("greenhouse-retention", "greenhouse_retention", "删除超过保留期的原始读数",
            "delete raw readings past the retention period"),
        Cmd("greenhouse-investment", "greenhouse_investment", "计算各设备方案的适宜时间和费用（投资页缓存）",
            "compute each equipment option's time in band and cost (the investment page's cache)"),
    ]),
    ("消费帮扶", "Sales", [
        Cmd("sales-platform-import", "sales_platform_import", "导入电商平台订单和退款并对账",
            "import a platform order and refund export and reconcile it"),
        Cmd("sales-purchase-export", "sales_purchase_export", "导出单位认购明细（CSV 或 XLSX）",
            "export staff purchases (CSV or XLSX)"),
        Cmd("sales-standing-orders", "sales_standing_orders", "生成次日长期订单，可排送货路线",
            "make tomorrow's standing orders, optionally planning the route"),
    ]),
    ("村口防疫", "Epidemic gate", [
        Cmd("epidemic-purge", "epidemic_purge", "删除超过保留期的卡口和体温数据",
            "delete gate and temperature data past their retention"),
    ]),
    ("报表", "Reports", [
        Cmd("reports-refresh", "reports_refresh", "重算成绩单", "recompute the scorecards"),
    ]),
]  # fmt: skip
COMMANDS = {cmd.name: cmd for _, _, cmds in MODULES for cmd in cmds}
HELP_FLAGS = {"-h", "--help"}
SECRET_NAMES = ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY")


def english() -> bool:
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"):
        value = os.environ.get(name)
        if value:
            return value.lower().startswith("en")
    return False


def find(argv: list[str]) -> tuple[Cmd | None, list[str]]:
    """The documented command ``argv`` starts with (hyphens or underscores), and the rest."""
    if len(argv) >= 2 and f"{argv[0]} {argv[1]}" in COMMANDS:
        return COMMANDS[f"{argv[0]} {argv[1]}"], argv[2:]
    if argv:
        name = argv[0].replace("_", "-")
        if name in COMMANDS:
            return COMMANDS[name], argv[1:]
        for cmd in COMMANDS.values():
            if argv[0] == cmd.django:
                return cmd, argv[1:]
    return None, argv


def translate(argv: list[str]) -> list[str]:
    """``["areas", "import", "f.csv"]`` → ``["areas_import", "f.csv"]`` and so on."""
    cmd, rest = find(argv)
    if cmd is not None:
        return [cmd.django, *rest]
    if argv and not argv[0].startswith("-"):
        return [argv[0].replace("-", "_"), *argv[1:]]
    return argv


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("villageaid")
    except PackageNotFoundError:
        return "unknown"


def usage() -> str:
    en = english()
    lines = [
        "Usage: villageaid COMMAND [options]" if en else "用法：villageaid 命令 [选项]",
        "",
    ]
    width = max(len(name) for name in COMMANDS)
    for zh_title, en_title, cmds in MODULES:
        lines.append(en_title if en else zh_title)
        lines += [f"  {c.name.ljust(width)}  {c.en if en else c.zh}" for c in cmds]
    lines += [
        "",
        (
            "villageaid COMMAND --help shows a command's options; Django's own commands "
            "(migrate, createsuperuser ...) run too. Settings: .env.example."
            if en
            else "villageaid 命令 --help 显示该命令的选项；Django 自带命令（migrate、"
            "createsuperuser 等）同样可用。配置项见 .env.example。"
        ),
    ]
    return "\n".join(lines)


def missing_settings_line(names: list[str]) -> str:
    joined = ", ".join(names)
    if english():
        return f"villageaid: missing setting {joined} (environment variable, see .env.example)"
    return f"villageaid：缺少配置 {joined}（环境变量，说明见 .env.example）"


def fail_on_missing_settings(exc: Exception) -> NoReturn:
    names = getattr(exc, "variables", None)
    if not names:
        raise exc
    print(missing_settings_line(list(names)), file=sys.stderr)
    raise SystemExit(2)


def _option(argv: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def new_demo_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_HASH_KEY": secrets.token_urlsafe(32),
        "DEMO_PASSWORD": f"Demo-{secrets.token_hex(4)}",
        # The embedded MQTT broker's accounts (greenhouse/broker.py) derive from this.
        "DEMO_MQTT_SECRET": secrets.token_urlsafe(32),
    }


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Per-installation secrets for the demo, made once and kept in DATA_DIR (a secret
    added in a later version is appended to an older file)."""
    path = data_dir / "demo-secrets.env"
    data_dir.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    added = {k: v for k, v in new_demo_secrets().items() if k not in kept}
    if added:
        path.write_text(text + "".join(f"{k}={v}\n" for k, v in added.items()), encoding="utf-8")
        path.chmod(0o600)
    return {**kept, **added}


def prepare_demo_environment(argv: list[str]) -> None:
    data_dir = Path(_option(argv, "--data-dir", "var")).resolve()
    os.environ["VILLAGEAID_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("VILLAGEAID_DEMO", "1")
    if "--load-only" not in argv:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'villageaid.sqlite3'}"
    for key, value in demo_secrets(data_dir).items():
        os.environ.setdefault(key, value)


def prepare_help_environment() -> None:
    """Enough settings to build a command's parser, nothing that could serve a request."""
    os.environ["VILLAGEAID_HELP_ONLY"] = "1"
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")


def setup_django() -> None:
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    if apps.ready:  # called from a process that set Django up already (tests)
        return
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail_on_missing_settings(exc)


def command_help(cmd: Cmd) -> None:
    from django.core.management import get_commands, load_command_class
    from django.utils import translation

    prepare_help_environment()
    setup_django()
    command = load_command_class(get_commands()[cmd.django], cmd.django)
    command.help = cmd.en if english() else cmd.zh
    with translation.override("en" if english() else "zh-hans"):
        command.print_help("villageaid", cmd.name)


def run(cmd: Cmd, rest: list[str]) -> None:
    from django.core.management import get_commands, load_command_class

    if cmd.name == "demo":
        prepare_demo_environment(rest)
    setup_django()
    command = load_command_class(get_commands()[cmd.django], cmd.django)
    command.run_from_argv(["villageaid", cmd.name, *rest])


def django_command(argv: list[str]) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    if HELP_FLAGS & set(argv):
        prepare_help_environment()
    try:
        execute_from_command_line(["villageaid", *argv])
    except ImproperlyConfigured as exc:
        fail_on_missing_settings(exc)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    if not argv or argv[0] in HELP_FLAGS or argv == ["help"]:
        print(usage())
        return
    if argv[0] == "--version":
        print(f"villageaid {version()}")
        return
    if argv[0] == "help":
        argv = [*argv[1:], "--help"]
    cmd, rest = find(argv)
    if cmd is None:
        django_command(argv)
    elif HELP_FLAGS & set(rest):
        command_help(cmd)
    else:
        run(cmd, rest)


if __name__ == "__main__":
    main()
