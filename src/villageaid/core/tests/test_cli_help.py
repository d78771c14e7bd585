"""`villageaid --help`, `--version` and `COMMAND --help` work with no configuration at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from villageaid import cli

PACKAGE = Path(cli.__file__).resolve().parent
ACCEPTANCE = [
    "demo", "serve", "worker", "areas import", "token create", "import-households", "screen",
    "mqtt-listen", "simulate-greenhouse", "backup", "restore", "export-registry", "control",
]  # fmt: skip


def villageaid(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """The console script as a newcomer runs it: `env -i PATH=$PATH .venv/bin/villageaid`."""
    env = {"PATH": os.environ["PATH"], **extra}
    if "PYTHONPATH" in os.environ:  # a checkout tested with the venv of another
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    script = Path(sys.executable).with_name("villageaid")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "villageaid"]
    return subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_help_without_any_environment_lists_the_project_commands(tmp_path: Path) -> None:
    done = villageaid("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ACCEPTANCE:
        assert any(line.startswith(f"  {name}  ") for line in lines), name
    assert "大棚" in lines and "农户台账" in lines  # grouped by module, in Chinese
    assert not any("_" in line.split("  ")[1] for line in lines if line.startswith("  "))
    assert not (tmp_path / "var").exists()  # help creates nothing


def test_help_in_english_with_lang_en(tmp_path: Path) -> None:
    done = villageaid("--help", cwd=tmp_path, LANG="en_US.UTF-8")
    assert done.returncode == 0
    assert "Greenhouses" in done.stdout
    assert "  token create" in done.stdout and "print a new API token" in done.stdout


def test_version_and_command_help_without_environment(tmp_path: Path) -> None:
    assert villageaid("--version", cwd=tmp_path).stdout.strip() == f"villageaid {cli.version()}"
    for args in (["areas", "import", "--help"], ["import-households", "-h"], ["help", "worker"]):
        done = villageaid(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        shown = " ".join(a for a in args if a not in {"--help", "-h", "help"})
        assert done.stdout.startswith(f"usage: villageaid {shown} ")
    assert not (tmp_path / "var").exists()


def test_missing_settings_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = villageaid("token", "create", "bob", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "SECRET_KEY" in done.stderr and ".env.example" in done.stderr
    english = villageaid("migrate", cwd=tmp_path, LANG="en", SECRET_KEY="set")
    assert english.returncode == 2
    assert english.stderr.strip() == (
        "villageaid: missing setting PII_ENCRYPTION_KEYS, PII_HASH_KEY "
        "(environment variable, see .env.example)"
    )


def test_every_project_command_is_listed() -> None:
    found = {
        path.stem
        for path in PACKAGE.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    listed = {cmd.django for cmd in cli.COMMANDS.values()}
    assert found <= listed, found - listed


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_command_help_shows_its_documented_name(
    name: str, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("VILLAGEAID_HELP_ONLY", "1")  # command_help sets it; undone after
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    cli.command_help(cli.COMMANDS[name])
    out = capsys.readouterr().out
    assert out.startswith(f"usage: villageaid {name} ")
    assert cli.COMMANDS[name].zh in out


def test_old_underscore_names_still_run_the_same_command() -> None:
    assert cli.find(["import_households", "r.xlsx"]) == (
        cli.COMMANDS["import-households"],
        ["r.xlsx"],
    )
    assert cli.find(["db_worker"])[0] == cli.COMMANDS["worker"]
    assert cli.find(["migrate"]) == (None, ["migrate"])
