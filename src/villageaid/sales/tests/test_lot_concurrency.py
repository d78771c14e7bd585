"""A lot never holds more than its harvests, also with writers racing, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from villageaid.conftest import require_service
from villageaid.core.errors import Conflict
from villageaid.greenhouse import services as greenhouse
from villageaid.greenhouse.models import Harvest
from villageaid.sales import services
from villageaid.sales.models import Lot, LotHarvest
from villageaid.sales.tests.factories import harvest_in, house_in

THREADS = 8


def _race(work: Callable[[int], None]) -> list[str]:
    """Run ``work(i)`` on THREADS threads at once; the refusals' codes."""
    codes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except Conflict as exc:
            with lock:
                codes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "row locks under concurrency need a real server")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_harvest_records_all_land_in_one_day_lot(areas: Any) -> None:
    _require_postgres()
    houses = [house_in(areas["village"], f"r{i}") for i in range(THREADS)]
    day = timezone.localdate()

    def pick(i: int) -> None:
        greenhouse.harvest_record(house=houses[i], date=day, grams=1000 + i, grade="A")

    assert _race(pick) == []
    lot = Lot.objects.get()
    harvested = Harvest.objects.aggregate(g=Sum("grams"))["g"]
    assert lot.grams_initial == lot.grams_available == harvested
    assert LotHarvest.objects.filter(lot=lot).count() == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_harvest_taken_in_by_racing_writers_counts_once(areas: Any) -> None:
    _require_postgres()
    harvest = harvest_in(areas["village"], jin=10)

    def take(_i: int) -> None:
        services.lot_create_from_harvest(harvest=harvest, actor=None)

    codes = _race(take)
    lot = Lot.objects.get()
    assert codes == ["harvest_has_lot"] * (THREADS - 1)
    assert lot.grams_initial == lot.grams_available == harvest.grams


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_corrections_never_lift_a_lot_above_its_harvest(areas: Any) -> None:
    _require_postgres()
    lot = services.lot_create(harvests=[harvest_in(areas["village"], jin=10)], actor=None)
    services.lot_adjust(lot=lot, grams=-1000, kind="water_loss", reason="失水", actor=None)

    def correct(_i: int) -> None:
        services.lot_adjust(lot=lot, grams=400, reason="复称", actor=None)

    codes = _race(correct)
    lot.refresh_from_db()
    assert codes == ["above_harvest"] * (THREADS - 2)
    assert lot.grams_available == 5000 - 1000 + 800 <= lot.grams_initial
