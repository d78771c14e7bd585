"""Drill (c): restart PostgreSQL while `villageaid serve` is under load.

Never touches the shared cluster on 5432: it creates a PRIVATE cluster
(``pg_createcluster 15 drill --port 5439 -- --auth=trust``), database
``villageaid_drill``, migrates it, starts ``villageaid serve`` on a free
loopback port, runs a bounded request loop (``/healthz`` and the household list
as a village cadre) from a few threads, stops the cluster mid-loop, keeps it
down for ``--down-for`` seconds, starts it again and keeps the loop running.
The cluster is dropped at the end (``pg_dropcluster --stop 15 drill``).

    .venv/bin/python scripts/drills/pg_restart.py --seconds 20 --down-at 6 --down-for 4

Prints one JSON object; exits 0 only when ``/healthz`` answered 503 while the
database was down, 200 after, and no request failed after recovery.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

VERSION, CLUSTER = "15", "drill"
DB = "villageaid_drill"


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, capture_output=True, text=True)  # noqa: S603


def cluster_up(port: int) -> None:
    listed = sh("pg_lsclusters", "-h").stdout
    if not any(line.split()[:2] == [VERSION, CLUSTER] for line in listed.splitlines()):
        sh("pg_createcluster", VERSION, CLUSTER, "--port", str(port), "--", "--auth=trust")
    sh("pg_ctlcluster", VERSION, CLUSTER, "start", check=False)
    wait_port(port, 30)
    sh(
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-c",
        f"DROP DATABASE IF EXISTS {DB}",
    )
    sh("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", f"CREATE DATABASE {DB}")


def cluster_drop() -> None:
    sh("pg_dropcluster", "--stop", VERSION, CLUSTER, check=False)


def wait_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"port {port} did not open")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare() -> tuple[str, str]:
    """Migrate, load the demo areas and one village cadre; return (session key, url)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections

    from villageaid.accounts.models import User
    from villageaid.core.areas import areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.core.models import Area

    call_command("migrate", verbosity=0)
    areas_import(path=DEMO_AREAS)
    village = Area.objects.filter(level="village").order_by("code").first()
    assert village is not None
    user, _ = User.objects.get_or_create(username="drill-cadre", defaults={"role": "cadre"})
    user.areas.set([village])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    connections.close_all()
    return str(store.session_key), "/registry/households/"


def loop(
    port: int, path: str, cookie: str, until: float, out: list[tuple[float, str, int]]
) -> None:
    conn: http.client.HTTPConnection | None = None
    while time.monotonic() < until:
        start = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status, conn = 0, None
        out.append((start, path, status))
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5439)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--down-at", type=float, default=6.0)
    parser.add_argument("--down-for", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=4, help="request threads per URL")
    parser.add_argument("--keep", action="store_true", help="keep the private cluster")
    options = parser.parse_args(argv)
    if options.port == 5432:
        raise SystemExit("refusing to restart the shared cluster on 5432")

    url = f"postgres://postgres@127.0.0.1:{options.port}/{DB}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    os.environ.setdefault("VILLAGEAID_TESTING", "1")
    cluster_up(options.port)
    server: subprocess.Popen[bytes] | None = None
    try:
        cookie, list_url = prepare()
        port = free_port()
        env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0"}
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "villageaid"),
                "serve",
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(port, 60)
        results: list[tuple[float, str, int]] = []
        t0 = time.monotonic()
        until = t0 + options.seconds
        threads = [
            threading.Thread(target=loop, args=(port, p, cookie, until, results))
            for p in ("/healthz", list_url)
            for _ in range(options.threads)
        ]
        for t in threads:
            t.start()
        time.sleep(options.down_at)
        down_start = time.monotonic()
        sh("pg_ctlcluster", VERSION, CLUSTER, "stop", "-m", "fast")
        down_done = time.monotonic()
        time.sleep(options.down_for)
        up_start = time.monotonic()
        sh("pg_ctlcluster", VERSION, CLUSTER, "start")
        up_done = time.monotonic()
        for t in threads:
            t.join()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not options.keep:
            cluster_drop()

    results.sort()
    before = [r for r in results if r[0] < down_start]
    down = [r for r in results if down_done <= r[0] < up_start]
    after = [r for r in results if r[0] >= up_done]
    first_ok = next((r[0] for r in after if r[1] == "/healthz" and r[2] == 200), None)
    recovered = [r for r in after if first_ok is not None and r[0] >= first_ok]
    after_bad = [r for r in after if r[2] != 200]
    result: dict[str, Any] = {
        "requests": len(results),
        "before": {"requests": len(before), "non_200": sum(r[2] != 200 for r in before)},
        "down_seconds": round(up_done - down_start, 2),
        "stop_seconds": round(down_done - down_start, 2),
        "start_seconds": round(up_done - up_start, 2),
        "healthz_while_down": sorted({r[2] for r in down if r[1] == "/healthz"}),
        "list_while_down": sorted({r[2] for r in down if r[1] != "/healthz"}),
        "recovery_seconds": None if first_ok is None else round(first_ok - up_done, 2),
        "after_restart": {
            "requests": len(after),
            "non_200": len(after_bad),
            "non_200_statuses": sorted({r[2] for r in after_bad}),
        },
        "after_recovery": {
            "requests": len(recovered),
            "non_200": sum(r[2] != 200 for r in recovered),
        },
    }
    ok = (
        result["before"]["non_200"] == 0
        and result["healthz_while_down"] == [503]
        and first_ok is not None
        and result["after_recovery"]["requests"] > 0
        and result["after_recovery"]["non_200"] == 0
    )
    result["ok"] = ok
    print(json.dumps(result, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
