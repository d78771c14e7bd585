"""Drill (a): SIGKILL ``villageaid mqtt-listen`` mid-stream and restart it.

Runs the greenhouse telemetry benchmark (``benchmarks/telemetry.py``) at a small,
bounded rate against its own PostgreSQL database (``villageaid_drill_mqtt``, so
it never touches the benchmark's) and Mosquitto on 127.0.0.1:1883; it exits 0
only when nothing was lost and nothing duplicated (QoS 1, persistent session).

    .venv/bin/python scripts/drills/mqtt_listener_kill.py --rate 500 --seconds 10 --houses 200 --kill-at 5
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB = "villageaid_drill_mqtt"


def main(argv: list[str]) -> None:
    spec = importlib.util.spec_from_file_location(
        "telemetry_bench", ROOT / "benchmarks" / "telemetry.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.DB = DB
    bench.DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
    sys.argv = ["telemetry.py", *argv]
    bench.main()


if __name__ == "__main__":
    main(sys.argv[1:])
