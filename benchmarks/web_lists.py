"""Web list benchmark: the household list and search with N persons (default
1,000,000) on PostgreSQL, 20 concurrent users, against `villageaid serve`.
Target: p95 under 150 ms.

    createdb -h 127.0.0.1 -U postgres va_web
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/va_web \
        .venv/bin/python benchmarks/web_lists.py --persons 1000000

Loads the registry once (kept between runs), starts the server on a free
loopback port, runs a bounded number of requests per user, and prints latency
percentiles per user kind. Never point it at real data: it adds villages and users.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
os.environ.setdefault("VILLAGEAID_TESTING", "1")

TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 20, 20


def load_registry(persons: int) -> list[str]:
    from villageaid.core.areas import area_create, areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.core.models import Area
    from villageaid.registry import synth
    from villageaid.registry.models import Person
    from villageaid.registry.services import registry_commit

    areas_import(path=DEMO_AREAS)
    county = Area.objects.get(code="371003000000")
    villages = []
    for t in range(TOWNSHIPS):
        code = f"371003{200 + t:03d}000"
        township = Area.objects.filter(code=code).first() or area_create(
            code=code, name=f"测试镇{t}", level="township", parent=county
        )
        for v in range(VILLAGES_PER_TOWNSHIP):
            vcode = f"{code[:9]}{200 + v:03d}"
            if not Area.objects.filter(code=vcode).exists():
                area_create(code=vcode, name=f"测试村{t}-{v}", level="village", parent=township)
            villages.append(vcode)
    have = Person.objects.count()
    if have >= persons:
        return villages
    print(f"loading {persons - have} persons ...", file=sys.stderr)
    batch_h: list[dict[str, str]] = []
    batch_p: list[dict[str, str]] = []
    done = 0
    for household, members in synth.iter_registry(
        persons - have, seed=have + 11, villages=villages
    ):
        household["household_code"] = f"W{have}-" + household["household_code"]
        for m in members:
            m["household_code"] = household["household_code"]
        batch_h.append(household)
        batch_p.extend(members)
        if len(batch_p) >= 50_000:
            registry_commit(households=batch_h, persons=batch_p, actor=None, source="bench")
            done += len(batch_p)
            print(f"  {done}", file=sys.stderr)
            batch_h, batch_p = [], []
    if batch_p:
        registry_commit(households=batch_h, persons=batch_p, actor=None, source="bench")
    return villages


def session_for(username: str, role: str, area: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from villageaid.accounts.models import User
    from villageaid.core.models import Area

    user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
    user.areas.set([Area.objects.get(code=area)])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def user_loop(
    port: int, cookie: str, urls: list[str], count: int, out: list[float], errors: list[str]
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(count):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
        response = conn.getresponse()
        response.read()
        out.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(f"{response.status} {url}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="per user")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    villages = load_registry(args.persons)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from villageaid.registry.models import Household, Person

    print(
        f"database {connection.vendor}: {Household.objects.count()} households, {Person.objects.count()} persons"
    )
    sample = Person.objects.filter(household__village_id=villages[0]).first()
    assert sample is not None
    kinds = {
        "village cadre": (session_for("bench-cadre", "cadre", villages[0]), villages[0]),
        "township": (session_for("bench-township", "township", villages[0][:9] + "000"), ""),
        "county": (session_for("bench-county", "county", "371003000000"), ""),
    }
    urls = [
        "/registry/households/",
        "/registry/households/?household_type=tuopin",
        "/registry/households/?monitoring_status=monitored&page=2",
        f"/registry/households/?q={quote(sample.name)}",
        f"/registry/households/?q={sample.id_number}",
        "/registry/households/?page=5",
    ]
    port = free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "villageaid"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        for kind, (cookie, _area) in kinds.items():
            latencies: list[float] = []
            errors: list[str] = []
            threads = [
                threading.Thread(
                    target=user_loop, args=(port, cookie, urls, args.requests, latencies, errors)
                )
                for _ in range(args.users)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            print(
                f"{kind:14} {len(latencies)} requests, {len(latencies) / elapsed:6.1f} req/s, "
                f"p50 {percentile(latencies, 50):6.1f} ms, p95 {percentile(latencies, 95):6.1f} ms, "
                f"p99 {percentile(latencies, 99):6.1f} ms, mean {statistics.mean(latencies) * 1000:6.1f} ms, "
                f"errors {len(errors)} {errors[:3]}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
