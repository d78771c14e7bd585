"""Flash-sale benchmark: 1,000 buyers racing for one 1,100-jin lot over 50
concurrent connections against a running server on PostgreSQL, each buyer
retrying with the same Idempotency-Key. Targets: zero oversold, every accepted
order exactly once, at least 300 orders/s, p95 under 300 ms.

It starts no server. Two steps, both documented here (the figures in
docs/performance.md were taken exactly like this):

    createdb -h 127.0.0.1 -U postgres va_flash
    export VILLAGEAID_TESTING=1 ALLOWED_HOSTS=127.0.0.1 HTTPS=0 DEBUG=0
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/va_flash
    # (VILLAGEAID_TESTING=1 stands for SECRET_KEY, PII_ENCRYPTION_KEYS and PII_HASH_KEY
    # on a loopback test; a real server sets them, see .env.example)
    .venv/bin/villageaid migrate
    # 1. prepare: adds a sales user, an API token and a fresh 1,100-jin lot with a
    #    live-stream session (quota 1,100 jin) to DATABASE_URL; prints the flags for step 2
    .venv/bin/python benchmarks/flash_sale.py prepare
    .venv/bin/villageaid serve --bind 127.0.0.1:8799 --workers 4 --threads 12 &
    # 2. race, through the HTTP API only; --server-pid and --pg-pid add the CPU seconds
    #    of the server's workers and of the PostgreSQL backends (a fresh lot per run)
    .venv/bin/python benchmarks/flash_sale.py run --url http://127.0.0.1:8799 \
        --token va_... --lot N --server-pid $! \
        --pg-pid $(head -1 /var/lib/postgresql/15/main/postmaster.pid)
    # (with DATABASE_URL set, the run then races the reference: one guarded UPDATE per
    # order over psycopg, same buyers and connections, and prints both rates and the ratio)
    # the box's ceiling for a trivial request over the same 50 connections
    .venv/bin/python benchmarks/flash_sale.py run --url http://127.0.0.1:8799 \
        --token va_... --lot N --ceiling --buyers 2000

Each buyer asks for 2 jin (so 550 buyers can be served and 450 must be told
sold_out), then repeats the same request ``--retries`` times with the same key.
Oversold and duplicates are counted from the server's own order list and lot.
Loopback only; never point it at real data (step 1 writes a test lot and user).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

LOT_JIN, BUYER_JIN = 1100, 2
GRAMS_PER_JIN = 500  # a standalone script (no Django in the reference): core.units' value
REFERENCE_TABLE = "bench_flash_reference"


def prepare() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    import django

    django.setup()
    import datetime as dt

    from villageaid.accounts.models import ApiToken, User
    from villageaid.core import units
    from villageaid.core.areas import areas_import
    from villageaid.core.demo import BEIMA, DEMO_AREAS
    from villageaid.core.models import Area
    from villageaid.greenhouse.models import Harvest, House, Park
    from villageaid.sales import services

    areas_import(path=DEMO_AREAS)
    village = Area.objects.get(code=BEIMA)
    user = User.objects.filter(username="flash-bench").first()
    if user is None:
        user = User.objects.create_user(username="flash-bench", role="sales", password=None)
        user.areas.set([village])
    _, token = ApiToken.issue(user=user, name="flash-sale benchmark")
    park, _ = Park.objects.get_or_create(
        code="flash-bench",
        defaults={"name": "压测园区", "village": village, "area_path": village.path},
    )
    house, _ = House.objects.get_or_create(park=park, code="f1", defaults={"name": "压测棚"})
    # A fresh lot per run, of its own harvest record (written directly, so the hook does not
    # pour it into the day's lot of earlier runs).
    harvest = Harvest.objects.create(
        house=house,
        date=dt.date.today(),
        grade="A",
        grams=units.grams_from_jin(LOT_JIN),
        area_path=village.path,
    )
    lot = services.lot_create(harvests=[harvest], actor=None)
    services.live_session_open(
        lot=lot, grams_quota=units.grams_from_jin(LOT_JIN), title="压测直播", actor=None
    )
    print(f"--token {token} --lot {lot.pk}")


class Client:
    """One keep-alive loopback connection."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit("flash_sale: loopback URLs only")
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body) if body is not None else None
        for attempt in range(3):  # reconnect on a dropped keep-alive connection
            try:
                self.conn.request(method, path, data, {**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def race(args: argparse.Namespace) -> int:
    results: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    latencies: list[float] = []
    by_answer: dict[str, list[float]] = defaultdict(list)
    first_sold_out: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(args.connections + 1)

    def worker(index: int) -> None:
        client = Client(args.url, args.token)
        start.wait()
        for buyer in range(index, args.buyers, args.connections):
            key = f"{args.run_id}-buyer-{buyer}"
            body = {"lot": args.lot, "channel": "livestream", "quantity_jin": BUYER_JIN}
            for _attempt in range(1 + args.retries):
                began = time.perf_counter()
                try:
                    status, data = client.request(
                        "POST", "/api/v1/sales/orders", body, {"Idempotency-Key": key}
                    )
                except Exception as exc:  # counted and reported
                    with lock:
                        errors.append(repr(exc))
                    continue
                elapsed = time.perf_counter() - began
                order_id = data.get("id") if isinstance(data, dict) else None
                with lock:
                    answer = "sold_out" if status == 409 else "repeat" if results[key] else "new"
                    if answer == "sold_out" and not first_sold_out:
                        first_sold_out.append(time.perf_counter())
                    by_answer[answer].append(elapsed)
                    latencies.append(elapsed)
                    results[key].append((status, order_id))
                    if status not in (200, 201, 409):
                        errors.append(f"{status} {data}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    server_cpu = cpu_seconds(args.server_pid)
    pg_cpu = cpu_seconds(args.pg_pid)
    client_cpu = time.process_time()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - client_cpu
    server_cpu = cpu_seconds(args.server_pid) - server_cpu
    pg_cpu = cpu_seconds(args.pg_pid) - pg_cpu

    accepted = {k: {oid for s, oid in v if s in (200, 201)} for k, v in results.items()}
    accepted = {k: ids for k, ids in accepted.items() if ids}
    client_duplicates = sum(len(ids) - 1 for ids in accepted.values())
    server_orders, server_grams = server_side(args)
    lot = lot_state(args)
    oversold_grams = max(0, server_grams - LOT_JIN * GRAMS_PER_JIN) + max(
        0, -lot["grams_available"]
    )
    duplicates = client_duplicates + max(0, server_orders - len(accepted))
    latencies.sort()
    figures = {
        "buyers": args.buyers,
        "connections": args.connections,
        "requests": len(latencies),
        "accepted_orders": len(accepted),
        "sold_out_buyers": sum(1 for v in results.values() if all(s == 409 for s, _ in v)),
        "server_orders": server_orders,
        "sold_jin": server_grams / GRAMS_PER_JIN,
        "left_jin": lot["grams_available"] / GRAMS_PER_JIN,
        "oversold_jin": oversold_grams / GRAMS_PER_JIN,
        "duplicates": duplicates,
        "errors": len(errors),
        "wall_s": round(wall, 2),
        # Every POST is an order request answered (a new order, the same order again for
        # a repeated key, or 409 sold_out); accepted orders are the new ones only.
        "order_requests_per_s": round(len(latencies) / wall, 1),
        "accepted_orders_per_s": round(len(accepted) / wall, 1),
        # The lot's selling phase: from the start to the first sold_out answer.
        "sold_out_after_s": round(first_sold_out[0] - began, 2) if first_sold_out else None,
        "accepted_orders_per_s_until_sold_out": (
            round(len(accepted) / (first_sold_out[0] - began), 1) if first_sold_out else None
        ),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
        "client_cpu_s": round(client_cpu, 2),
    }
    for answer in ("new", "repeat", "sold_out"):
        times = sorted(by_answer[answer])
        if times:
            figures[f"p95_ms_{answer}"] = round(1000 * times[int(0.95 * (len(times) - 1))], 1)
    if args.server_pid:
        figures["server_cpu_s"] = round(server_cpu, 2)
        figures["server_cpu_ms_per_request"] = round(1000 * server_cpu / len(latencies), 2)
    if args.pg_pid:
        figures["postgres_cpu_s"] = round(pg_cpu, 2)
        figures["postgres_cpu_ms_per_request"] = round(1000 * pg_cpu / len(latencies), 2)
    figures["load_average_1m"] = os.getloadavg()[0]
    for name, value in figures.items():
        print(f"{name:>16}: {value}")
    for line in errors[:5]:
        print("error:", line, file=sys.stderr)
    ok = oversold_grams == 0 and duplicates == 0 and not errors
    if args.dsn:
        ok = compare(args, figures) and ok
    return 0 if ok else 1


def reference(args: argparse.Namespace) -> dict[str, Any]:
    """The floor of the hardware: the same buyers over the same number of connections, each
    order one guarded ``UPDATE ... SET remaining = remaining - qty WHERE id = ... AND
    remaining >= qty`` in autocommit over psycopg: no HTTP, no Django, no order row, no
    idempotency, no audit. What the product does beyond that is its cost."""
    import psycopg

    grams = BUYER_JIN * GRAMS_PER_JIN
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {REFERENCE_TABLE}")
        conn.execute(
            f"CREATE TABLE {REFERENCE_TABLE} (id int PRIMARY KEY, remaining int NOT NULL "
            "CHECK (remaining >= 0))"
        )
        conn.execute(
            f"INSERT INTO {REFERENCE_TABLE} VALUES (1, %s)",
            [LOT_JIN * GRAMS_PER_JIN],
        )
    sql = (
        f"UPDATE {REFERENCE_TABLE} SET remaining = remaining - %s WHERE id = 1 AND remaining >= %s"
    )
    latencies: list[float] = []
    accepted: list[int] = []
    first_sold_out: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(args.connections + 1)

    def worker(index: int) -> None:
        with psycopg.connect(args.dsn, autocommit=True) as conn:
            start.wait()
            for buyer in range(index, args.buyers, args.connections):
                began = time.perf_counter()
                done = conn.execute(sql, [grams, grams]).rowcount == 1
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    if done:
                        accepted.append(buyer)
                    elif not first_sold_out:
                        first_sold_out.append(time.perf_counter())

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        row = conn.execute(f"SELECT remaining FROM {REFERENCE_TABLE}").fetchone()
        conn.execute(f"DROP TABLE {REFERENCE_TABLE}")
    remaining = row[0] if row else 0
    latencies.sort()
    selling = (first_sold_out[0] - began) if first_sold_out else wall
    return {
        "accepted_orders": len(accepted),
        "oversold_jin": max(0, len(accepted) * grams - LOT_JIN * GRAMS_PER_JIN) / GRAMS_PER_JIN
        + max(0, -remaining) / GRAMS_PER_JIN,
        "wall_s": round(wall, 3),
        "accepted_orders_per_s": round(len(accepted) / wall, 1),
        "accepted_orders_per_s_until_sold_out": round(len(accepted) / selling, 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


def compare(args: argparse.Namespace, product: dict[str, Any]) -> bool:
    """Run the reference right after the product's race and print both and their ratio."""
    ref = reference(args)
    print("reference (one guarded UPDATE per order over psycopg, same connections):")
    for name, value in ref.items():
        print(f"{'ref_' + name:>16}: {value}")
    for key in ("accepted_orders_per_s", "accepted_orders_per_s_until_sold_out"):
        if product.get(key) and ref[key]:
            print(f"{'ratio_' + key:>16}: {product[key] / ref[key]:.3f}")
    return ref["oversold_jin"] == 0


def ceiling(args: argparse.Namespace) -> int:
    """Requests/s of ``GET /healthz`` over the same connections: what the box serves at all."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        client = Client(args.url, args.token)
        for _ in range(index, args.buyers, args.connections):
            began = time.perf_counter()
            client.request("GET", "/healthz")
            with lock:
                latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    print(f"healthz requests/s: {len(latencies) / wall:.1f}")
    print(f"healthz p50_ms: {1000 * statistics.median(latencies):.1f}")
    print(f"healthz p95_ms: {1000 * latencies[int(0.95 * (len(latencies) - 1))]:.1f}")
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its live children (the gunicorn workers, the
    PostgreSQL backends) plus the children it has reaped, from /proc."""
    if not pid:
        return 0.0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids += [int(p) for p in fh.read().split()]
    except OSError:
        return 0.0
    total = 0
    for one in pids:
        try:
            with open(f"/proc/{one}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        if one == pid:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: reaped children
    return total / os.sysconf("SC_CLK_TCK")


def server_side(args: argparse.Namespace) -> tuple[int, int]:
    """Orders of the lot (run's keys only ever hit this lot) and their grams, per the API."""
    client = Client(args.url, args.token)
    count, grams, page = 0, 0, 1
    while page < 1000:  # bounded
        status, data = client.request("GET", f"/api/v1/sales/orders?lot={args.lot}&page={page}")
        if status != 200:
            raise SystemExit(f"flash_sale: order list answered {status}: {data}")
        for row in data["items"]:
            if row["status"] in ("reserved", "paid", "delivered"):
                count += 1
                grams += row["grams"]
        if page * 50 >= data["count"]:
            break
        page += 1
    return count, grams


def lot_state(args: argparse.Namespace) -> dict[str, Any]:
    client = Client(args.url, args.token)
    for page in range(1, 100):
        status, data = client.request("GET", f"/api/v1/sales/lots?in_stock=false&page={page}")
        for row in data.get("items", []):
            if row["id"] == args.lot:
                return dict(row)
        if status != 200 or page * 50 >= data.get("count", 0):
            break
    raise SystemExit(f"flash_sale: lot {args.lot} not visible to this token")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="add a test user, token and 1,100-jin lot to DATABASE_URL")
    run = sub.add_parser("run", help="race against a running server")
    run.add_argument("--url", default="http://127.0.0.1:8000")
    run.add_argument("--token", required=True)
    run.add_argument("--lot", type=int, required=True)
    run.add_argument("--buyers", type=int, default=1000)
    run.add_argument("--connections", type=int, default=50)
    run.add_argument("--retries", type=int, default=1, help="repeats of each buyer's key")
    run.add_argument("--run-id", default=f"flash-{int(time.time())}")
    run.add_argument(
        "--server-pid", type=int, default=0, help="gunicorn master: report its workers' CPU"
    )
    run.add_argument(
        "--pg-pid",
        type=int,
        default=0,
        help="PostgreSQL postmaster (first line of postmaster.pid): report its backends' CPU",
    )
    run.add_argument(
        "--ceiling", action="store_true", help="only measure GET /healthz over the connections"
    )
    run.add_argument(
        "--dsn",
        default=os.environ.get("DATABASE_URL", ""),
        help="the server's PostgreSQL (default DATABASE_URL): runs the psycopg reference after "
        "the race and prints the ratio; empty to skip",
    )
    args = parser.parse_args()
    if args.command == "prepare":
        prepare()
        return 0
    return ceiling(args) if args.ceiling else race(args)


if __name__ == "__main__":
    sys.exit(main())
