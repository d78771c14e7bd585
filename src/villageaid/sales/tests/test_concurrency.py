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
