"""County load profile: everything a county does at the busiest time, at once, against
one `villageaid serve` on PostgreSQL (loopback only; bounded in count and in time).

Profile (defaults, a county of 200 villages):

* areas: the demo county plus 20 townships × 10 villages = 200 villages;
  ``--households`` households per village (synthetic registry, ~3 persons each);
* visits (the month-end rush of the last three days of the month): ``--helpers``
  helpers, one API token each, every helper posting ``--visits`` visits to households
  of its village through ``POST /api/v1/visits/visits`` (with an Idempotency-Key);
* lists: ``--list-users`` village cadres, township and county users (a third each) paging
  and searching ``/registry/households/`` (session cookie), ``--list-requests`` each;
* telemetry: 200 greenhouses (one per village), each gateway posting ``--readings``
  platform-JSON messages (8 values) through ``POST /api/v1/greenhouse/houses/{id}/telemetry``;
* live stream: ``--buyers`` buyers over ``--sale-connections`` connections ordering 2 jin
  each from one live-stream lot through ``POST /api/v1/sales/orders``.

All four scenarios start together; each stops when its count is done or after
``--seconds``. Prints per-scenario requests, throughput, p50/p95/p99 and errors.

    .venv/bin/python benchmarks/county_load.py            # creates database va_county

It DROPs and re-creates only its own database (``--db``, which must start with
``va_county``) on the shared server 127.0.0.1:5432; never point it at real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from loopback import free_port, session_for, wait_for

ROOT = Path(__file__).resolve().parents[1]
TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 20, 10
COUNTY = "371003000000"
KEYS = (
    "air_temp",
    "air_rh",
    "soil_temp",
    "soil_moisture",
    "co2",
    "lux",
    "outdoor_temp",
    "outdoor_rh",
)
BUYER_JIN = 2
Req = tuple[str, str, Any, set[int], dict[str, str]]  # method, path, JSON body, ok, headers


@dataclass
class Stats:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, elapsed: float, status: int, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[status] += 1
            if not ok:
                self.errors.append(f"{status} {detail}"[:200])

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        span = max(self.ended - self.started, 1e-9)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 1)

        return {
            "scenario": self.name,
            "requests": len(ordered),
            "seconds": round(span, 1),
            "per_second": round(len(ordered) / span, 1),
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "errors": len(self.errors),
            "statuses": dict(sorted(self.statuses.items())),
            "first_errors": self.errors[:3],
        }


# --- preparation (in-process Django on the benchmark database) -------------------


def create_database(db: str) -> str:
    import psycopg

    if not db.startswith("va_county"):
        raise SystemExit("county_load: --db must start with va_county")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")
        c.execute(f"CREATE DATABASE {db}")
    return f"postgres://postgres@127.0.0.1:5432/{db}"


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from villageaid.accounts.models import ApiToken, User
    from villageaid.core import units
    from villageaid.core.areas import area_create, areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.core.models import Area
    from villageaid.greenhouse import services as greenhouse
    from villageaid.greenhouse.models import House, Park, Sensor
    from villageaid.registry import synth
    from villageaid.registry.models import Household, Person
    from villageaid.registry.services import registry_commit
    from villageaid.sales import services as sales
    from villageaid.visits.services import helper_assign

    call_command("migrate", verbosity=0)
    areas_import(path=DEMO_AREAS)
    county = Area.objects.get(code=COUNTY)
    villages: list[Area] = []
    townships: list[Area] = []
    for t in range(TOWNSHIPS):
        code = f"371003{200 + t:03d}000"
        township = area_create(code=code, name=f"压测镇{t}", level="township", parent=county)
        townships.append(township)
        for v in range(VILLAGES_PER_TOWNSHIP):
            villages.append(
                area_create(
                    code=f"{code[:9]}{200 + v:03d}",
                    name=f"压测村{t}-{v}",
                    level="village",
                    parent=township,
                )
            )
    codes = [v.code for v in villages]
    persons = args.households * len(villages) * 3
    print(f"loading ~{persons} persons into {len(villages)} villages ...", file=sys.stderr)
    batch_h: list[dict[str, str]] = []
    batch_p: list[dict[str, str]] = []
    for household, members in synth.iter_registry(persons, seed=17, villages=codes):
        batch_h.append(household)
        batch_p.extend(members)
        if len(batch_p) >= 20_000:
            registry_commit(households=batch_h, persons=batch_p, actor=None, source="bench")
            batch_h, batch_p = [], []
    if batch_p:
        registry_commit(households=batch_h, persons=batch_p, actor=None, source="bench")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    by_village: dict[str, list[int]] = {}
    for pk, village_id in Household.objects.values_list("pk", "village_id"):
        by_village.setdefault(village_id, []).append(pk)
    helpers = []
    for n in range(args.helpers):
        village = villages[n % len(villages)]
        user = User.objects.create_user(username=f"county-helper-{n}", role="helper", password=None)
        user.areas.set([village])
        # a helper visits only the households paired with it (visits.narrowing)
        share = max(1, -(-args.helpers // len(villages)))
        homes = by_village[village.code][n // len(villages) :: share][:5]
        for home_row in Household.objects.filter(pk__in=homes):
            helper_assign(household=home_row, helper=user, actor=None)
        helpers.append((ApiToken.issue(user=user, name="county load")[1], homes))

    list_users = []
    for n in range(args.list_users):
        kind = ("cadre", "township", "county")[n % 3]
        area = {"cadre": villages[n % len(villages)], "township": townships[n % TOWNSHIPS]}.get(
            kind, county
        )
        user = User.objects.create_user(username=f"county-{kind}-{n}", role=kind, password=None)
        user.areas.set([area])
        list_users.append((kind, session_for(user)))
    names = list(Person.objects.order_by("?").values_list("name", flat=True)[:50])

    tech = User.objects.create_user(username="county-tech", role="tech", password=None)
    tech.areas.set([county])
    houses = []
    for village in villages:
        park = Park.objects.create(
            code=f"p{village.code}",
            name=f"{village.name}园区",
            village=village,
            area_path=village.path,
        )
        house = House.objects.create(park=park, code="h1")
        Sensor.objects.bulk_create([Sensor(house=house, key=k) for k in KEYS])
        houses.append(house.pk)

    seller_village = villages[0]
    seller = User.objects.create_user(username="county-sales", role="sales", password=None)
    seller.areas.set([seller_village])
    lot_jin = args.buyers * BUYER_JIN // 2 + 1  # half the buyers are served, half sold out
    park = Park.objects.create(
        code="county-sales", name="压测园区", village=seller_village, area_path=seller_village.path
    )
    picked = greenhouse.harvest_record(  # the harvest hook makes the lot
        house=House.objects.create(park=park, code="s1", name="压测棚"),
        date=dt.date.today(),
        grams=units.grams_from_jin(lot_jin),
        grade="A",
    )
    lot = picked.lot_entry.lot
    sales.live_session_open(
        lot=lot, grams_quota=units.grams_from_jin(lot_jin), title="县级压测直播", actor=None
    )
    connection.close()
    return {
        "helpers": helpers,
        "list_users": list_users,
        "names": names,
        "tech_token": ApiToken.issue(user=tech, name="county load")[1],
        "houses": houses,
        "sales_token": ApiToken.issue(user=seller, name="county load")[1],
        "lot": lot.pk,
        "lot_jin": lot_jin,
        "households": sum(len(v) for v in by_village.values()),
        "persons": Person.objects.count(),
    }


# --- load ----------------------------------------------------------------------


class Conn:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port, self.headers = port, headers
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(
        self, method: str, path: str, body: bytes | None, extra: dict[str, str]
    ) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body, {**self.headers, **extra})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def timed(
    stats: Stats,
    conn: Conn,
    method: str,
    path: str,
    body: Any,
    ok: set[int],
    extra: dict[str, str] | None = None,
) -> None:
    data = json.dumps(body).encode() if body is not None else None
    began = time.perf_counter()
    try:
        status, content = conn.send(method, path, data, extra or {})
    except Exception as exc:  # counted and reported
        stats.add(time.perf_counter() - began, 0, False, repr(exc))
        return
    stats.add(
        time.perf_counter() - began, status, status in ok, content[:150].decode(errors="replace")
    )


def run_scenario(
    stats: Stats,
    jobs: list[tuple[dict[str, str], list[tuple[str, str, Any, set[int], dict[str, str]]]]],
    port: int,
    deadline: float,
) -> None:
    """One thread per job (a client with its headers and its request list)."""

    def client(
        headers: dict[str, str], requests: list[tuple[str, str, Any, set[int], dict[str, str]]]
    ) -> None:
        conn = Conn(port, headers)
        for method, path, body, ok, extra in requests:
            if time.monotonic() > deadline:
                return
            timed(stats, conn, method, path, body, ok, extra)

    threads = [threading.Thread(target=client, args=job) for job in jobs]
    stats.started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.ended = time.monotonic()


def build(args: argparse.Namespace, prep: dict[str, Any], run_id: str) -> dict[str, list[Any]]:
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    json_h = {"Content-Type": "application/json"}

    visits = []
    for n, (token, homes) in enumerate(prep["helpers"]):
        requests: list[Req] = []
        for k in range(args.visits):
            body = {
                "household": homes[k % len(homes)],
                "visited_at": (now - dt.timedelta(minutes=rng.randint(1, 600))).isoformat(),
                "outcome": "met",
                "needs": "",
                "suggestions": "压测走访",
            }
            requests.append(
                (
                    "POST",
                    "/api/v1/visits/visits",
                    body,
                    {200, 201},
                    {"Idempotency-Key": f"{run_id}-v{n}-{k}"},
                )
            )
        visits.append(({"Authorization": f"Bearer {token}", **json_h}, requests))
    visits = _merge(visits, args.visit_connections)

    pages = [
        "/registry/households/",
        "/registry/households/?household_type=tuopin",
        "/registry/households/?page=3",
        "/registry/households/?monitoring_status=monitored",
    ]
    lists = []
    for n, (_kind, cookie) in enumerate(prep["list_users"]):
        requests = []
        for k in range(args.list_requests):
            path = (
                pages[k % len(pages)]
                if k % 3
                else f"/registry/households/?q={quote(prep['names'][(n + k) % len(prep['names'])])}"
            )
            requests.append(("GET", path, None, {200}, {}))
        lists.append(({"Cookie": f"sessionid={cookie}"}, requests))

    telemetry = []
    for index, house in enumerate(prep["houses"]):
        requests = []
        for k in range(args.readings):
            ts = now - dt.timedelta(seconds=args.readings - k, microseconds=-index)
            reading: dict[str, Any] = {"ts": ts.isoformat()}
            reading.update({key: round(10 + (k + index) % 97 * 0.1, 2) for key in KEYS})
            requests.append(
                ("POST", f"/api/v1/greenhouse/houses/{house}/telemetry", reading, {200, 201}, {})
            )
        telemetry.append(({"Authorization": f"Bearer {prep['tech_token']}", **json_h}, requests))
    telemetry = _merge(telemetry, args.telemetry_connections, interleave=True)

    sales = []
    for c in range(args.sale_connections):
        requests = []
        for buyer in range(c, args.buyers, args.sale_connections):
            body = {"lot": prep["lot"], "channel": "livestream", "quantity_jin": BUYER_JIN}
            requests.append(
                (
                    "POST",
                    "/api/v1/sales/orders",
                    body,
                    {200, 201, 409},
                    {"Idempotency-Key": f"{run_id}-b{buyer}"},
                )
            )
        sales.append(({"Authorization": f"Bearer {prep['sales_token']}", **json_h}, requests))
    return {"visits": visits, "lists": lists, "telemetry": telemetry, "live_orders": sales}


def _merge(jobs: list[Any], connections: int, interleave: bool = False) -> list[Any]:
    """Spread per-client request lists over ``connections`` threads. Each request keeps its
    own client's Authorization by carrying it in the per-request headers."""
    merged: list[tuple[dict[str, str], list[Any]]] = [({}, []) for _ in range(connections)]
    flat: list[tuple[int, Any]] = []
    for headers, requests in jobs:
        for k, (method, path, body, ok, extra) in enumerate(requests):
            flat.append((k, (method, path, body, ok, {**headers, **extra})))
    if interleave:
        flat.sort(key=lambda item: item[0])  # round k of every gateway before round k + 1
    for n, (_k, request) in enumerate(flat):
        merged[n % connections][1].append(request)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="va_county")
    parser.add_argument("--households", type=int, default=25, help="per village")
    parser.add_argument("--helpers", type=int, default=200)
    parser.add_argument("--visits", type=int, default=10, help="per helper")
    parser.add_argument("--visit-connections", type=int, default=40)
    parser.add_argument("--list-users", type=int, default=15)
    parser.add_argument("--list-requests", type=int, default=30, help="per list user")
    parser.add_argument("--readings", type=int, default=10, help="messages per greenhouse")
    parser.add_argument("--telemetry-connections", type=int, default=20)
    parser.add_argument("--buyers", type=int, default=500)
    parser.add_argument("--sale-connections", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=180.0, help="cap per scenario")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = create_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    os.environ.setdefault("VILLAGEAID_TESTING", "1")
    began = time.monotonic()
    prep = prepare(args)
    print(
        f"prepared in {time.monotonic() - began:.0f} s: 200 villages, {prep['households']} households, "
        f"{prep['persons']} persons, {len(prep['helpers'])} helpers, {len(prep['houses'])} greenhouses, "
        f"live lot {prep['lot_jin']} jin",
        file=sys.stderr,
    )
    port = free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "villageaid"),
            "serve",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)),
            *("--threads", str(args.threads)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: list[dict[str, Any]] = []
    try:
        wait_for(port)
        scenarios = build(args, prep, run_id=f"{int(time.time())}")
        deadline = time.monotonic() + args.seconds
        stats = {name: Stats(name) for name in scenarios}
        threads = [
            threading.Thread(target=run_scenario, args=(stats[name], jobs, port, deadline))
            for name, jobs in scenarios.items()
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
        results = [s.summary() for s in stats.values()]
    finally:
        server.terminate()
        server.wait(timeout=30)

    from villageaid.greenhouse.models import Reading
    from villageaid.sales.models import Order
    from villageaid.visits.models import Visit

    stored = {
        "visits": Visit.objects.count(),
        "readings": Reading.objects.count(),
        "orders": Order.objects.filter(lot_id=prep["lot"]).count(),
    }
    print(
        f"{'scenario':12} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} errors"
    )
    for r in results:
        print(
            f"{r['scenario']:12} {r['requests']:8} {r['per_second']:7.1f} {r['p50_ms']:8.1f} "
            f"{r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']} {r['first_errors'][:2]}"
        )
    total = sum(r["requests"] for r in results)
    print(f"all          {total:8} {total / wall:7.1f} in {wall:.1f} s; stored {stored}")
    print(json.dumps({"wall_seconds": round(wall, 1), "stored": stored, "scenarios": results}))


if __name__ == "__main__":
    main()
