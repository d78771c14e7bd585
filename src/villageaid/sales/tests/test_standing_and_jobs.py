from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from villageaid.core.jobs import job_start
from villageaid.core.models import JobProgress
from villageaid.sales import services
from villageaid.sales.models import HotelStandingOrder, Order
from villageaid.sales.tests.factories import lot_in, product


@pytest.mark.django_db
def test_standing_orders_take_the_first_expiring_lot_once(areas: Any) -> None:
    village = areas["village"]
    later = lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 14), code="LATER")
    sooner = lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 12), code="SOONER")
    hotel = services.customer_create(village=village, actor=None, name="抱海", buyer_type="hotel")
    HotelStandingOrder.objects.create(
        customer=hotel, product=product(), grams=5000, weekdays="4", area_path=village.path
    )
    thursday = dt.date(2020, 4, 16)
    first = services.standing_orders_place(village=village, date=thursday, actor=None)
    again = services.standing_orders_place(village=village, date=thursday, actor=None)
    friday = services.standing_orders_place(
        village=village, date=thursday + dt.timedelta(1), actor=None
    )
    assert [o.lot_id for o in first] == [sooner.pk]
    assert [o.pk for o in again] == [o.pk for o in first]
    assert friday == [] and Order.objects.count() == 1
    assert later.pk != sooner.pk


@pytest.mark.django_db(transaction=True)
def test_expiry_job_restocks_through_the_worker(areas: Any, cadre: Any) -> None:
    lot = lot_in(areas["village"], jin=5)
    order = services.order_place(
        lot=lot, channel="walk_in", grams=1500, customer=None, idempotency_key="x", actor=None
    )
    Order.objects.filter(pk=order.pk).update(reserved_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    row = job_start(kind="sales.expire_reservations", label="预留到期", owner=cadre, params={})
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row.refresh_from_db()
    lot.refresh_from_db()
    assert (row.status, row.result) == ("done", {"expired": 1})
    assert lot.grams_available == 2500
    assert JobProgress.objects.count() == 1
