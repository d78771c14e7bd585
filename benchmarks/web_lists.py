"""Web list benchmark: the household list and search with N persons (default
1,000,000) on PostgreSQL, 20 concurrent users, against `villageaid serve`.
Target (issue 3): p95 under 150 ms at 20 concurrent users.

    createdb -h 127.0.0.1 -U postgres va_web
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/va_web \
        flock /tmp/va_bench.lock .venv/bin/python benchmarks/web_lists.py --persons 1000000

Loads the registry once (kept between runs), starts the server (4 workers x 2 threads,
DEBUG off) on a free loopback port and, per user kind (a village cadre, a township
user, a county user), runs two load models with ``--users`` users:

* closed loop (the stress figure): every user sends its next request as soon as the
  last one answered, no think time, ``--requests`` requests each;
* think time (the "20 concurrent users" figure): like Locust's ``between(1, 3)``, each
  user waits a uniform ``--think`` seconds after each answer (starts staggered over the
  same interval), ``--think-requests`` requests each. ``--think 0`` skips this model.

It prints latency percentiles per kind and model, the throughput, and the CPU time the
server (gunicorn workers) and PostgreSQL spent per request, with the CPU-bound capacity
they imply on this machine (cores / CPU per request). Never point it at real data: it
adds villages and users.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from loopback import free_port, session_for, wait_for

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


def user_session(username: str, role: str, area: str) -> str:
    from villageaid.accounts.models import User
    from villageaid.core.models import Area

    user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
    user.areas.set([Area.objects.get(code=area)])
    return session_for(user)


def user_loop(
    port: int,
    cookie: str,
    urls: list[str],
    count: int,
    offset: int,
    think: tuple[float, float],
    out: list[float],
    errors: list[str],
) -> None:
    if think[1]:
        time.sleep(random.uniform(0, think[1]))  # users arrive spread out, as Locust spawns them
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(count):
        url = urls[(i + offset) % len(urls)]
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
                response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError) as exc:
                # The server closed an idle keep-alive connection during the think time;
                # a browser (or Locust's requests session) reconnects, so do the same once.
                conn.close()
                if attempt == 2:
                    errors.append(f"{exc!r} {url}")
        else:
            continue
        out.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(f"{response.status} {url}")
        if think[1]:
            time.sleep(random.uniform(*think))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def process_cpu(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each given process still alive."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def cpu_spent(before: dict[int, float], pids: list[int]) -> float:
    """CPU seconds spent since ``before`` by those processes and by ``pids`` (new ones from zero)."""
    after = process_cpu(sorted(set(before) | set(pids)))
    return sum(after.get(pid, before.get(pid, 0.0)) - before.get(pid, 0.0) for pid in after)


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [master, *map(int, children.read_text().split())]
    except OSError:
        return [master]


def database_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, to show how loaded it was."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def run_phase(
    kind: str,
    model: str,
    port: int,
    master: int,
    cookie: str,
    urls: list[str],
    users: int,
    count: int,
    think: tuple[float, float],
) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=user_loop, args=(port, cookie, urls, count, n, think, latencies, errors)
        )
        for n in range(users)
    ]
    app_before = process_cpu(server_pids(master))
    db_before = process_cpu(database_pids())
    busy_before = machine_busy()
    own_before = sum(os.times()[:2])
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    own = sum(os.times()[:2]) - own_before
    busy_after = machine_busy()
    app = cpu_spent(app_before, server_pids(master))
    db = cpu_spent(db_before, database_pids())
    n = len(latencies)
    cores = os.cpu_count() or 1
    busy = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])
    per_request = (app + db) / n * 1000
    print(
        f"{kind:14} {model:11} {n:4} requests, {n / elapsed:6.1f} req/s, "
        f"p50 {percentile(latencies, 50):6.1f} ms, p95 {percentile(latencies, 95):6.1f} ms, "
        f"p99 {percentile(latencies, 99):6.1f} ms, mean {statistics.mean(latencies) * 1000:6.1f} ms, "
        f"errors {len(errors)} {errors[:3]}"
    )
    print(
        f"{'':14} {'':11} CPU per request: server {app / n * 1000:5.1f} ms + PostgreSQL "
        f"{db / n * 1000:5.1f} ms -> CPU-bound capacity ~{cores * 1000 / per_request:5.0f} req/s "
        f"on {cores} cores; load generator {own / n * 1000:4.1f} ms/request; "
        f"machine busy {busy:4.0%} over {elapsed:5.1f} s"
    )


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="per user, closed loop")
    parser.add_argument(
        "--think", type=think_range, default=(1.0, 3.0), help="seconds, e.g. 1-3; 0 to skip"
    )
    parser.add_argument("--think-requests", type=int, default=20, help="per user, think time")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured requests per user")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--kinds", default="cadre,township,county")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    villages = load_registry(args.persons)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A freshly loaded table: what autovacuum would do before the first users come.
            cursor.execute("VACUUM (ANALYZE) registry_household")
            cursor.execute("VACUUM (ANALYZE) registry_person")
    from villageaid.registry.models import Household, Person

    print(
        f"database {connection.vendor}: {Household.objects.count()} households, {Person.objects.count()} persons"
    )
    sample = Person.objects.filter(household__village_id=villages[0]).first()
    assert sample is not None
    # The township is one in the middle of the county, not the first in code order.
    township = villages[len(villages) // 2][:9] + "000"
    kinds = {
        "village cadre": user_session("bench-cadre", "cadre", villages[0]),
        "township": user_session("bench-township-mid", "township", township),
        "county": user_session("bench-county", "county", "371003000000"),
    }
    wanted = {k.strip() for k in args.kinds.split(",")}
    kinds = {k: v for k, v in kinds.items() if k.split()[-1] in wanted}
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
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(
        f"server: {args.workers} workers x {args.threads} threads; {args.users} users; "
        f"URLs: {', '.join(urls)}"
    )
    try:
        wait_for(port)
        for kind, cookie in kinds.items():
            if args.warmup:
                run_phase(
                    kind,
                    "(warm-up)",
                    port,
                    server.pid,
                    cookie,
                    urls,
                    args.users,
                    args.warmup,
                    (0, 0),
                )
            run_phase(
                kind,
                "closed loop",
                port,
                server.pid,
                cookie,
                urls,
                args.users,
                args.requests,
                (0, 0),
            )
            if args.think[1]:
                run_phase(
                    kind,
                    f"think {args.think[0]:g}-{args.think[1]:g}s",
                    port,
                    server.pid,
                    cookie,
                    urls,
                    args.users,
                    args.think_requests,
                    args.think,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
