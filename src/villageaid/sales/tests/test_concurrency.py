"""Buyers racing for one lot at once, on PostgreSQL (real row locks)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections

from villageaid.conftest import require_service
from villageaid.core.errors import Conflict
from villageaid.sales import services
from villageaid.sales.models import Lot, Order
from villageaid.sales.tests.factories import lot_in

BUYERS, THREADS, LOT_JIN = 60, 12, 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_buyers_never_oversell_nor_duplicate(areas: Any) -> None:
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "row locks under concurrency need a real server")
    lot = lot_in(areas["village"], jin=LOT_JIN)
    services.quota_set(
        lot=lot, channel=services.channel_get("livestream"), grams=40 * 500, actor=None
    )
    outcomes: Counter[str] = Counter()
    ids: dict[str, set[int]] = {}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def buyer(worker: int) -> None:
        start.wait()
        try:
            for n in range(worker, BUYERS, THREADS):
                key = f"buyer-{n}"
                for _attempt in range(2):  # each buyer retries with the same key
                    channel = "livestream" if n % 2 else "walk_in"
                    try:
                        order = services.order_place(
                            lot=lot,
                            channel=channel,
                            grams=1000,
                            customer=None,
                            idempotency_key=key,
                            actor=None,
                        )
                    except Conflict as exc:
                        with lock:
                            outcomes[exc.code] += 1
                        continue
                    with lock:
                        ids.setdefault(key, set()).add(order.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    lot.refresh_from_db()
    sold = sum(Order.objects.filter(lot=lot).values_list("grams", flat=True))
    assert all(len(found) == 1 for found in ids.values())  # a key maps to one order
    assert Order.objects.filter(lot=lot).count() == len(ids) == LOT_JIN // 2
    assert sold + lot.grams_available == LOT_JIN * 500
    assert lot.grams_available == 0
    assert outcomes["sold_out"] > 0
    livestream = Order.objects.filter(lot=lot, channel_id="livestream").count()
    assert livestream * 1000 <= 40 * 500
    assert Lot.objects.filter(grams_available__lt=0).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_single_statement_write_takes_all_or_nothing(areas: Any) -> None:
    """Outside a transaction the order is one statement: order, audit row, lot and quota
    move together, and a refusal by the lot or by the quota's CHECK writes nothing.
    Inside a caller's transaction a refusal leaves that transaction usable."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the single-statement write is PostgreSQL's")
    from django.db import transaction

    from villageaid.core.models import AuditEvent
    from villageaid.sales.models import ChannelQuota

    lot = lot_in(areas["village"], jin=5)
    services.quota_set(lot=lot, channel=services.channel_get("livestream"), grams=1000, actor=None)
    events = AuditEvent.objects.filter(action="sales.order.place")

    def place(channel: str, grams: int, key: str) -> Order:
        return services.order_place(
            lot=lot, channel=channel, grams=grams, customer=None, idempotency_key=key, actor=None
        )

    def state() -> tuple[int, int, int, int]:
        quota = ChannelQuota.objects.get(lot=lot, channel_id="livestream").grams_remaining
        grams = Lot.objects.get(pk=lot.pk).grams_available
        return grams, quota, Order.objects.filter(lot=lot).count(), events.count()

    assert not connection.in_atomic_block
    first = place("livestream", 500, "a")
    assert state() == (2000, 500, 1, 1)
    assert events.get().object_id == str(first.pk) and events.get().object_type == "sales.order"
    with pytest.raises(Conflict):  # the quota's CHECK
        place("livestream", 1000, "b")
    assert state() == (2000, 500, 1, 1)
    place("walk_in", 2000, "c")
    with pytest.raises(Conflict):  # the lot's conditional decrement
        place("walk_in", 500, "d")
    assert state() == (0, 500, 2, 2)
    assert place("walk_in", 2000, "c").pk == Order.objects.get(idempotency_key="c").pk

    lot.grams_available = 1000
    lot.save(update_fields=["grams_available"])
    with transaction.atomic():
        with pytest.raises(Conflict):
            place("walk_in", 1500, "e")
        place("walk_in", 1000, "f")  # the caller's transaction goes on
    assert state() == (0, 500, 3, 3)
