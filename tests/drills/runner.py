"""Run a drill script (scripts/drills/NAME.py) and read the JSON object it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_drill(name: str, *args: str, timeout: float = 420) -> tuple[dict[str, Any], int, str]:
    """The drill's result, its exit code and the tail of its stderr (for failure messages)."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "drills" / f"{name}.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    out, err = run.stdout, run.stderr[-3000:]
    assert "{" in out, err
    result: dict[str, Any] = json.loads(out[out.index("{") : out.rindex("}") + 1])
    return result, run.returncode, err
