"""The ``villageaid`` console script.

Maps the documented command names (``areas import``, ``token create``,
``import-households``, ``worker`` ...) onto Django management commands and
passes everything else through, so ``villageaid migrate`` works too.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

# Two-word commands of INTERFACES section 1.
GROUPS = {("areas", "import"): "areas_import", ("token", "create"): "token_create"}
ALIASES = {"worker": "db_worker"}


def translate(argv: list[str]) -> list[str]:
    """``["areas", "import", "f.csv"]`` → ``["areas_import", "f.csv"]`` and so on."""
    if len(argv) >= 2 and (argv[0], argv[1]) in GROUPS:
        return [GROUPS[(argv[0], argv[1])], *argv[2:]]
    if argv and argv[0] in ALIASES:
        return [ALIASES[argv[0]], *argv[1:]]
    if argv and not argv[0].startswith("-"):
        return [argv[0].replace("-", "_"), *argv[1:]]
    return argv


def _option(argv: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Per-installation secrets for the demo, made once and kept in DATA_DIR."""
    path = data_dir / "demo-secrets.env"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        lines = [
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            f"PII_ENCRYPTION_KEYS={Fernet.generate_key().decode()}",
            f"PII_HASH_KEY={secrets.token_urlsafe(32)}",
            f"DEMO_PASSWORD=Demo-{secrets.token_hex(4)}",
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
    pairs = (
        line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    return {k: v for k, v in pairs}


def prepare_demo_environment(argv: list[str]) -> None:
    data_dir = Path(_option(argv, "--data-dir", "var")).resolve()
    os.environ["VILLAGEAID_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("VILLAGEAID_DEMO", "1")
    if "--load-only" not in argv:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'villageaid.sqlite3'}"
    for key, value in demo_secrets(data_dir).items():
        os.environ.setdefault(key, value)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    if argv[:1] == ["demo"]:
        prepare_demo_environment(argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["villageaid", *translate(argv)])


if __name__ == "__main__":
    main()
