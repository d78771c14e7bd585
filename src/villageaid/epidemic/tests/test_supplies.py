"""Supplies: the stock never goes below zero, even with two volunteers at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from villageaid.conftest import client_for, require_service
from villageaid.core.errors import Conflict, ServiceError
from villageaid.epidemic import selectors, services
from villageaid.epidemic.models import SupplyMovement, SupplyStock


@pytest.mark.django_db
def test_hand_out_beyond_stock_is_refused(areas: Any) -> None:
    village = areas["village"]
    services.supplies_receive(
        village=village, item="mask", quantity=400, source="市扶贫办", actor=None
    )
    services.supplies_hand_out(village=village, item="mask", quantity=399, to="村委", actor=None)
    with pytest.raises(Conflict):
        services.supplies_hand_out(
            village=village, item="mask", quantity=2, to="志愿者", actor=None
        )
    services.supplies_hand_out(village=village, item="mask", quantity=1, to="志愿者", actor=None)
    with pytest.raises(Conflict):
        services.supplies_hand_out(
            village=village, item="mask", quantity=1, to="志愿者", actor=None
        )
    assert SupplyStock.objects.get(item="mask").quantity == 0
    assert SupplyMovement.objects.filter(kind="handout").count() == 2
    figures = selectors.masks_distributed(
        area_path=village.path,
        start=SupplyMovement.objects.first().day,
        end=SupplyMovement.objects.first().day,
    )
    assert figures == 400


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [0, -5])
def test_quantities_are_positive(areas: Any, quantity: int) -> None:
    with pytest.raises(ServiceError):
        services.supplies_hand_out(
            village=areas["village"], item="mask", quantity=quantity, to="x", actor=None
        )


@pytest.mark.django_db
def test_database_refuses_a_negative_stock(areas: Any) -> None:
    stock = SupplyStock.objects.create(
        village=areas["village"], area_path=areas["village"].path, item="mask", quantity=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyStock.objects.filter(pk=stock.pk).update(quantity=-1)


@pytest.mark.django_db
def test_supplies_page_refuses_overdraw(areas: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    client.post(
        "/epidemic/supplies/",
        {
            "action": "receive",
            "r-village": areas["village"].pk,
            "r-item": "mask",
            "r-quantity": 10,
            "r-source": "镇",
        },
    )
    response = client.post(
        "/epidemic/supplies/",
        {
            "action": "handout",
            "h-village": areas["village"].pk,
            "h-item": "mask",
            "h-quantity": 11,
            "h-to": "志愿者",
        },
    )
    assert "库存不足" in response.content.decode()
    assert SupplyStock.objects.get().quantity == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_outs_never_overdraw(areas: Any) -> None:
    if connection.vendor != "postgresql":
        require_service(
            "PostgreSQL", "row locks need a server database (SQLite serialises writers)"
        )
    village = areas["village"]
    services.supplies_receive(village=village, item="mask", quantity=50, source="市", actor=None)
    outcomes: list[str] = []

    def take() -> None:
        try:
            services.supplies_hand_out(village=village, item="mask", quantity=7, to="x", actor=None)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 7 and outcomes.count("refused") == 5
    assert SupplyStock.objects.get().quantity == 1
