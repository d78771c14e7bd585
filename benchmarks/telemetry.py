"""Telemetry benchmark (issue 7): at least 5,000 readings/s for 60 s through Mosquitto into
PostgreSQL via `villageaid mqtt-listen` running as a subprocess, with the listener killed
(SIGKILL) and restarted mid-run. Reports readings/s, the p99 delay from publish to row insert,
and the lost and duplicated counts (both must be 0 with QoS 1 and a persistent session).

    .venv/bin/python benchmarks/telemetry.py [--rate 5000] [--seconds 60] [--houses 20]
        [--listeners 2] [--tuned-broker] [--db villageaid_gh_bench]

It creates (drops and recreates) the PostgreSQL database ``villageaid_gh_bench`` (``--db``)
on 127.0.0.1:5432 and migrates it; the broker is the system Mosquitto on 127.0.0.1:1883,
or with ``--tuned-broker`` a private Mosquitto this script starts on 127.0.0.1:18831 with
a config file (``var/bench_mosquitto.conf``) raising ``max_queued_messages``.
``--listeners N`` runs N listeners on one MQTT 5 shared subscription; the first is the
one killed. The lead's run on a quiet machine (docs/performance.md, greenhouse section):

    flock /tmp/va_bench.lock .venv/bin/python benchmarks/telemetry.py --tuned-broker
    flock /tmp/va_bench.lock .venv/bin/python benchmarks/telemetry.py --listeners 2

Why the tuned broker: Mosquitto queues at most ``max_queued_messages`` (default 1,000)
QoS-1 messages for a session whose client is away, and drops the rest *silently*. At
5,000 readings/s (625 messages/s) that is 1.6 s, less than a killed listener needs to
start again (Python and Django load in 1–3 s), so across the kill the system broker
loses messages however fast the listener is; two listeners on a shared subscription
halve the rate queued for the one that is down. In flight (the listener's Receive
Maximum, 2,000) does not count against the queue while the listener is connected.
Each house publishes platform JSON with all eight measurements, stamped with the publish
time; the benchmark database (only) gets an ``inserted_at DEFAULT clock_timestamp()``
column on the readings table so the delay is measured by PostgreSQL itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DB = "villageaid_gh_bench"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
BROKER = ["127.0.0.1", 1883]
TUNED_PORT = 18831
# Mosquitto keeps max_queued_messages (default 1000) for an absent client and drops the rest;
# --tuned-broker runs a private Mosquitto with room for about 25 minutes of this load, the
# configuration this project recommends for a park's broker (docs/operations.md).
TUNED_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
"""
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
PARK = "bench"
# The start-up probes are stamped in 2000; one that a second listener stores after they were
# cleared must not count.
REAL = "WHERE ts >= '2001-01-01'"
LISTENER_ARGS: list[str] = []


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def prepare(houses: int) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB}")
        c.execute(f"CREATE DATABASE {DB}")
    env = {**os.environ, "DATABASE_URL": DB_URL}
    sh(str(ROOT / ".venv/bin/villageaid"), "migrate", "--verbosity", "0", env=env)
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    import django

    django.setup()
    from villageaid.core.areas import area_create
    from villageaid.greenhouse.models import House, Park, Sensor

    province = area_create(code="370000000000", name="山东省", level="province", parent=None)
    village = area_create(code="371003105201", name="北马村", level="village", parent=province)
    park = Park.objects.create(code=PARK, name="bench", village=village, area_path=village.path)
    for h in range(houses):
        house = House.objects.create(park=park, code=f"h{h:03d}")
        Sensor.objects.bulk_create([Sensor(house=house, key=k) for k in KEYS])
    with psycopg.connect(DB_URL.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(
            "ALTER TABLE greenhouse_reading "
            "ADD COLUMN inserted_at timestamptz NOT NULL DEFAULT clock_timestamp()"
        )


def start_listener(client_id: str, log: Path, shared: str = "") -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": DB_URL, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/villageaid"),
            "mqtt-listen",
            "--client-id",
            client_id,
            "--url",
            f"mqtt://{BROKER[0]}:{BROKER[1]}",
            *(["--shared", shared] if shared else []),
            *LISTENER_ARGS,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_subscribed(client_id: str, seconds: float = 30.0) -> None:
    """Publish a probe until the listener has stored it (its session exists then)."""
    deadline = time.monotonic() + seconds
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    pub.connect(BROKER[0], int(BROKER[1]))
    pub.loop_start()
    conn = psycopg.connect(DB_URL.replace("postgres://", "postgresql://"), autocommit=True)
    try:
        while time.monotonic() < deadline:
            ts = dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=time.time() % 1e6)
            payload = json.dumps({"ts": ts.isoformat(), "air_temp": 1.0})
            pub.publish(f"villageaid/{PARK}/h000/telemetry", payload, qos=1).wait_for_publish(5)
            time.sleep(1.0)
            row = conn.execute(
                "SELECT count(*) FROM greenhouse_reading WHERE ts = %s", (ts,)
            ).fetchone()
            if row and row[0]:
                return
        raise SystemExit(f"listener {client_id} did not start storing within {seconds} s")
    finally:
        conn.execute("DELETE FROM greenhouse_reading")
        conn.close()
        pub.disconnect()
        pub.loop_stop()


def clear_sessions(client_ids: list[str]) -> None:
    """End the listeners' persistent sessions on the broker (a clean start with no expiry)."""
    for client_id in client_ids:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        client.connect(BROKER[0], int(BROKER[1]), clean_start=True)
        client.loop_start()
        time.sleep(0.2)
        client.disconnect()
        client.loop_stop()


def publish(rate: float, seconds: float, houses: int, kill_at: float, on_kill: object) -> int:
    """Publish ``rate`` readings/s for ``seconds``; call ``on_kill()`` at ``kill_at`` s."""
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"bench-pub-{uuid.uuid4().hex[:6]}",
        protocol=mqtt.MQTTv5,
    )
    client.max_inflight_messages_set(2000)
    client.max_queued_messages_set(0)
    client.connect(BROKER[0], int(BROKER[1]))
    client.loop_start()
    per_message = len(KEYS)
    messages_per_s = rate / per_message
    sent = 0
    start = time.monotonic()
    last_ts: dict[int, dt.datetime] = {}
    killed = False
    infos = []
    while (elapsed := time.monotonic() - start) < seconds:
        if not killed and elapsed >= kill_at:
            on_kill()  # type: ignore[operator]
            killed = True
        due = int(elapsed * messages_per_s) + 1
        while sent < due:
            house = sent % houses
            now = dt.datetime.now(dt.UTC)
            if house in last_ts and now <= last_ts[house]:
                now = last_ts[house] + dt.timedelta(microseconds=1)
            last_ts[house] = now
            payload = {"ts": now.isoformat()}
            payload.update({k: round(10 + (sent % 97) * 0.1, 2) for k in KEYS})
            infos.append(
                client.publish(
                    f"villageaid/{PARK}/h{house:03d}/telemetry", json.dumps(payload), qos=1
                )
            )
            sent += 1
        time.sleep(0.002)
    for info in infos:
        info.wait_for_publish(30)
    client.disconnect()
    client.loop_stop()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=5000.0, help="readings per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--houses", type=int, default=20)
    parser.add_argument("--kill-at", type=float, default=30.0)
    parser.add_argument("--restart-after", type=float, default=0.5, help="seconds down")
    parser.add_argument(
        "--tuned-broker", action="store_true", help=f"private Mosquitto on {TUNED_PORT}"
    )
    parser.add_argument("--listeners", type=int, default=1, help="on one shared subscription")
    parser.add_argument("--listener-args", default="", help="extra mqtt-listen flags")
    parser.add_argument("--db", default=None, help=f"PostgreSQL database (default {DB})")
    args = parser.parse_args()
    if args.db:
        globals()["DB"] = args.db
        globals()["DB_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    LISTENER_ARGS.extend(args.listener_args.split())
    os.environ.setdefault("VILLAGEAID_TESTING", "1")  # development secrets, as roster_import.py
    broker: subprocess.Popen[bytes] | None = None
    if args.tuned_broker:
        conf = ROOT / "var" / "bench_mosquitto.conf"
        conf.parent.mkdir(exist_ok=True)
        conf.write_text(TUNED_CONF.format(port=TUNED_PORT))
        broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
        BROKER[1] = TUNED_PORT
        time.sleep(1.0)
    try:
        run(args)
    finally:
        if broker is not None:
            broker.terminate()
            broker.wait(10)


def _subscribed(log: Path) -> int:
    return log.read_text(errors="replace").count("subscribed:") if log.exists() else 0


def run(args: argparse.Namespace) -> None:
    """The benchmark; listeners still running when it fails are killed (no orphan keeps
    the database open or its broker session alive)."""
    listeners: list[subprocess.Popen[bytes]] = []
    try:
        _run(args, listeners)
    finally:
        for listener in listeners:
            if listener.poll() is None:
                listener.kill()
                listener.wait()


def _run(args: argparse.Namespace, listeners: list[subprocess.Popen[bytes]]) -> None:
    prepare(args.houses)
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    # a fresh group: a persistent session left in a group keeps taking its share of the
    # messages while nobody reads them (the broker round-robins over sessions, online or not)
    shared = f"bench{uuid.uuid4().hex[:6]}" if args.listeners > 1 else ""
    client_ids = [f"bench-listen-{uuid.uuid4().hex[:6]}" for _ in range(args.listeners)]
    logs = [var / f"bench_telemetry_listener{i}.log" for i in range(args.listeners)]
    for client_id, log in zip(client_ids, logs, strict=True):
        log.write_text("")
        listeners.append(start_listener(client_id, log, shared))
    until = time.monotonic() + 60
    while any(_subscribed(log) < 1 for log in logs) and time.monotonic() < until:
        time.sleep(0.2)
    wait_subscribed(client_ids[0])
    print(
        f"{args.listeners} listener(s) {client_ids} up; publishing {args.rate:.0f} readings/s"
        f" to {BROKER[0]}:{BROKER[1]}; killing {client_ids[0]} at {args.kill_at:g} s",
        flush=True,
    )

    state = {"killed_at": 0.0, "restarted_at": 0.0, "back_at": 0.0}

    def kill_and_restart() -> None:
        old = listeners[0]
        old.send_signal(signal.SIGKILL)
        old.wait()
        state["killed_at"] = time.monotonic()
        time.sleep(args.restart_after)
        listeners[0] = start_listener(client_ids[0], logs[0], shared)
        state["restarted_at"] = time.monotonic()
        while _subscribed(logs[0]) < 2 and time.monotonic() - state["restarted_at"] < 60:
            time.sleep(0.05)
        state["back_at"] = time.monotonic()

    def on_kill() -> None:  # the publisher keeps its pace while the listener restarts
        threading.Thread(target=kill_and_restart, daemon=True).start()

    t0 = time.monotonic()
    sent = publish(args.rate, args.seconds, args.houses, args.kill_at, on_kill)
    publish_s = time.monotonic() - t0
    expected = sent * len(KEYS)
    conn = psycopg.connect(DB_URL.replace("postgres://", "postgresql://"), autocommit=True)
    deadline = time.monotonic() + 120
    stored, last_change = -1, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - last_change < 15:
        now_stored = conn.execute(f"SELECT count(*) FROM greenhouse_reading {REAL}").fetchone()[0]  # type: ignore[index]
        if now_stored >= expected:
            break
        if now_stored != stored:
            stored, last_change = now_stored, time.monotonic()
        time.sleep(1.0)  # gives up 15 s after the count stopped growing (messages lost)
    time.sleep(3.0)  # let any redelivered duplicates arrive
    for listener in listeners:
        listener.send_signal(signal.SIGTERM)
        listener.wait(30)
    clear_sessions(client_ids)
    row = conn.execute(
        f"""
        SELECT count(*), count(DISTINCT (sensor_id, ts)),
               min(inserted_at), max(inserted_at),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM inserted_at - ts)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM inserted_at - ts)),
               max(extract(epoch FROM inserted_at - ts))
        FROM greenhouse_reading {REAL}
        """
    ).fetchone()
    assert row is not None
    rows, distinct, first, last, p50, p99, worst = row
    span = (last - first).total_seconds() if first and last else 0.0
    result = {
        "published_messages": sent,
        "published_readings": expected,
        "publish_seconds": round(publish_s, 1),
        "offered_readings_per_s": round(expected / publish_s, 0),
        "stored_readings": rows,
        "stored_readings_per_s": round(rows / span, 0) if span else None,
        "p50_delay_s": round(float(p50), 3),
        "p99_delay_s": round(float(p99), 3),
        "max_delay_s": round(float(worst), 3),
        "lost": expected - distinct,
        "duplicated": rows - distinct,
        "listener_respawned_after_s": round(state["restarted_at"] - state["killed_at"], 2),
        "listener_subscribed_again_after_s": round(state["back_at"] - state["killed_at"], 2),
        "listeners": args.listeners,
        "listener_args": " ".join(LISTENER_ARGS),
    }
    result["broker"] = f"{BROKER[0]}:{BROKER[1]}" + (" (tuned)" if args.tuned_broker else "")
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["lost"] == 0 and result["duplicated"] == 0 else 1)


if __name__ == "__main__":
    main()
