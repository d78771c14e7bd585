"""The MQTT telemetry listener behind ``villageaid mqtt-listen``.

paho-mqtt runs the network loop in its own thread and queues each message;
this thread writes them in batches through :func:`ingest.readings_ingest` and
only then acknowledges them (manual QoS-1 acks), so with the persistent MQTT 5
session a crash loses nothing: unacknowledged messages are redelivered and the
(sensor, ts) constraint drops the duplicates.

Throughput: an MQTT 5 listener announces a Receive Maximum (``receive_maximum``, 2,000):
Mosquitto then keeps that many unacknowledged messages in flight to it instead of its
``max_inflight_messages`` (20), which had capped a listener that acknowledges only after
its write at a few thousand readings/s. The sensor map is cached (:class:`SensorCache`),
and the alert rules run in a thread of their own so a slow evaluation does not hold up
the writes. Mosquitto still queues at most ``max_queued_messages`` (1,000 by default) for
a session whose listener is away; see ``benchmarks/telemetry.py`` and docs/performance.md.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from villageaid.greenhouse.ingest import TOPICS, Message, SensorCache, readings_ingest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    url: str
    client_id: str
    shared: str = ""
    session_expiry: int = 3600
    max_seconds: float | None = None
    max_messages: int | None = None
    batch_size: int = 1000
    batch_seconds: float = 0.5
    # Write as soon as the broker pauses this long: it sends only a window of unacknowledged
    # QoS-1 messages (Mosquitto's max_inflight_messages, 20 by default) and we ack after writing.
    idle_seconds: float = 0.02
    mqtt_version: int = 5  # 5, or 311 for MQTT 3.1.1 brokers (the demo's embedded amqtt)
    receive_maximum: int = 2000  # MQTT 5: unacknowledged messages the broker may send us
    evaluate_every: float = 5.0  # seconds between alert evaluations (0: never)
    db_lock: Any = None  # a lock shared with other threads writing the same SQLite file


def subscriptions(shared: str = "") -> list[tuple[str, int]]:
    prefix = f"$share/{shared}/" if shared else ""
    return [(prefix + topic, 1) for topic in TOPICS]


def _client(options: Options, inbox: queue.Queue[Any], ready: threading.Event) -> mqtt.Client:
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=options.client_id,
        protocol=mqtt.MQTTv5 if options.mqtt_version == 5 else mqtt.MQTTv311,
        clean_session=None if options.mqtt_version == 5 else False,
        manual_ack=True,
    )

    def on_connect(c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            logger.error("MQTT connect refused: %s", reason)
            return
        c.subscribe(subscriptions(options.shared))

    def on_subscribe(_c: mqtt.Client, _u: Any, _m: int, reasons: list[Any], _p: Any) -> None:
        logger.info("subscribed: %s", [str(r) for r in reasons])
        ready.set()

    def on_message(_c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        inbox.put((Message(msg.topic, msg.payload, timezone.now()), msg.mid, msg.qos))

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    return client


def _connect(client: mqtt.Client, options: Options) -> None:
    url = urlsplit(options.url)
    if url.username:
        client.username_pw_set(url.username, url.password)
    if url.scheme == "mqtts":
        client.tls_set()
    port = url.port or (8883 if url.scheme == "mqtts" else 1883)
    if options.mqtt_version != 5:  # 3.1.1: a persistent session through clean_session=False
        client.connect(url.hostname or "127.0.0.1", port)
        return
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = options.session_expiry
    if options.receive_maximum:
        properties.ReceiveMaximum = options.receive_maximum
    client.connect(url.hostname or "127.0.0.1", port, clean_start=False, properties=properties)


def _next_batch(inbox: queue.Queue[Any], options: Options, wait: float) -> list[Any]:
    """Messages that arrive within ``batch_seconds`` of the first (at most ``batch_size``),
    cut short when none arrives for ``idle_seconds``."""
    try:
        batch = [inbox.get(timeout=max(wait, 0.01))]
    except queue.Empty:
        return []
    until = time.monotonic() + options.batch_seconds
    while len(batch) < options.batch_size and (left := until - time.monotonic()) > 0:
        try:
            batch.append(inbox.get(timeout=min(left, options.idle_seconds)))
        except queue.Empty:
            break
    return batch


def _evaluate_alerts(counts: Counter[str]) -> None:
    """Run the alert rules; a failure is logged, never fatal."""
    from villageaid.greenhouse import alerts

    try:
        opened = alerts.evaluate()
        if opened:
            counts["alerts_opened"] += len(opened)
    except Exception:
        logger.exception("alert evaluation failed")


def _alert_loop(options: Options, counts: Counter[str], stop: threading.Event) -> None:
    """Evaluate the alert rules every ``evaluate_every`` seconds until ``stop`` is set."""
    try:
        while not stop.wait(options.evaluate_every):
            close_old_connections()
            with options.db_lock or contextlib.nullcontext():
                _evaluate_alerts(counts)
    finally:
        connections.close_all()


RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits between writes while the database is down


def _store(batch: list[Any], counts: Counter[str], sensors: SensorCache, db_lock: Any) -> bool:
    close_old_connections()
    try:
        with db_lock or contextlib.nullcontext():
            counts.update(readings_ingest(messages=[m for m, _mid, _qos in batch], sensors=sensors))
    except Exception:  # a database outage must not kill the listener
        logger.exception("could not store %d telemetry messages", len(batch))
        counts["failed"] += len(batch)
        sensors.invalidate()  # a sensor deleted since the map was loaded fails the insert
        return False
    return True


def _database_up() -> bool:
    try:
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection.close()
        return False
    return True


def _write(
    client: mqtt.Client,
    batch: list[Any],
    counts: Counter[str],
    sensors: SensorCache,
    db_lock: Any = None,
    give_up: Any = lambda: False,
    wait: Any = time.sleep,
) -> None:
    """Store a batch, then acknowledge it.

    A failed write is retried, not left: the broker resends an unacknowledged message only
    when the listener reconnects, so a batch given up would stay in flight, and once Receive
    Maximum of them did the broker would stop sending. While the database is down the batch
    waits (``RETRY_SECONDS``) until it is back or ``give_up()`` (the listener stops; nothing
    is acknowledged, so the next start gets it again). While the database answers, a batch
    that fails twice is split, and a message that fails alone is logged, counted as
    ``rejected`` and acknowledged, so one bad message cannot stall the park."""
    attempt = 0
    while not _store(batch, counts, sensors, db_lock):
        if _database_up():
            attempt += 1
            if attempt < 2:
                continue  # a deadlock between listeners, a stale sensor map: once more
            if len(batch) > 1:
                half = len(batch) // 2
                for part in (batch[:half], batch[half:]):
                    _write(client, part, counts, sensors, db_lock, give_up, wait)
                return
            counts["rejected"] += 1
            logger.error("rejected the telemetry message on %s", batch[0][0].topic)
            break
        if give_up():
            return
        wait(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
        attempt += 1
    for _message, mid, qos in batch:
        client.ack(mid, qos)


def listen(
    options: Options, ready: threading.Event | None = None, stop: threading.Event | None = None
) -> Counter[str]:
    """Receive and store telemetry until ``max_seconds`` or ``max_messages`` is reached or
    ``stop`` is set (forever when none is); returns the counts of what was handled.
    ``ready`` is set once the subscriptions are granted."""
    inbox: queue.Queue[Any] = queue.Queue()
    ready = ready or threading.Event()
    client = _client(options, inbox, ready)
    _connect(client, options)
    client.loop_start()
    counts: Counter[str] = Counter()
    sensors = SensorCache()
    deadline = time.monotonic() + options.max_seconds if options.max_seconds else None
    # the first alert run comes evaluate_every after start, then every evaluate_every
    done = threading.Event()
    evaluator = None
    if options.evaluate_every:
        evaluator = threading.Thread(
            target=_alert_loop, args=(options, counts, done), name="alerts", daemon=True
        )
        evaluator.start()

    def give_up() -> bool:
        return (stop is not None and stop.is_set()) or (
            deadline is not None and time.monotonic() >= deadline
        )

    def pause(seconds: float) -> None:
        if stop is not None:
            stop.wait(seconds)
        else:
            time.sleep(seconds)

    try:
        while True:
            wait = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            batch = _next_batch(inbox, options, wait)
            if batch:
                _write(client, batch, counts, sensors, options.db_lock, give_up, pause)
            if options.max_messages and counts["messages"] >= options.max_messages:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if stop is not None and stop.is_set():
                break
    finally:
        done.set()
        if evaluator is not None:
            evaluator.join(30)
        client.disconnect()
        client.loop_stop()
    logger.info("mqtt listener stopped: %s", dict(counts))
    return counts
