from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from villageaid.core.jobs import job_start
from villageaid.core.models import JobProgress
from villageaid.sales import services
from villageaid.sales.models import DeliveryRun, HotelStandingOrder, Lot, Order
from villageaid.sales.tests.factories import lot_in, product

THURSDAY = dt.date(2020, 4, 16)


def hotel(
    village: Any, name: str = "抱海", lat: float | None = None, lon: float | None = None
) -> Any:
    return services.customer_create(
        village=village, actor=None, name=name, buyer_type="hotel", lat=lat, lon=lon
    )


def standing(customer: Any, *, jin: int = 10, weekdays: str = "4", **kwargs: Any) -> Any:
    return HotelStandingOrder.objects.create(
        customer=customer,
        product=product(),
        grams=jin * 500,
        weekdays=weekdays,
        area_path=customer.area_path,
        **kwargs,
    )


@pytest.mark.django_db
def test_standing_orders_take_the_first_expiring_lot_once(areas: Any) -> None:
    village = areas["village"]
    later = lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 14), code="LATER")
    sooner = lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 12), code="SOONER")
    standing(hotel(village), jin=10)
    first = services.standing_orders_place(village=village, date=THURSDAY, actor=None)
    again = services.standing_orders_place(village=village, date=THURSDAY, actor=None)
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert [o.lot_id for o in first.placed] == [sooner.pk]
    assert [o.pk for o in again.placed] == [o.pk for o in first.placed]
    assert (first.skipped, again.skipped) == ([], [])
    assert Order.objects.count() == 1
    assert (sooner.grams_available, later.grams_available) == (40 * 500, 50 * 500)
    order = first.placed[0]
    assert (order.channel_id, order.deliver_on, order.buyer_type) == ("hotel", THURSDAY, "hotel")


@pytest.mark.django_db
def test_standing_order_not_due_that_weekday_places_nothing(areas: Any) -> None:
    """Near miss: a Monday/Thursday order on the Wednesday and the Friday around it."""
    village = areas["village"]
    lot = lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 12))
    standing(hotel(village), weekdays="14")
    standing(hotel(village, "停用的酒店"), weekdays="1234567", active=False)
    for day in (THURSDAY - dt.timedelta(1), THURSDAY + dt.timedelta(1)):
        run = services.standing_orders_place(village=village, date=day, actor=None)
        assert (run.placed, run.skipped) == ([], [])
    lot.refresh_from_db()
    assert Order.objects.count() == 0 and lot.grams_available == 50 * 500
    assert (
        len(services.standing_orders_place(village=village, date=THURSDAY, actor=None).placed) == 1
    )


@pytest.mark.django_db
def test_short_stock_skips_with_a_reason_and_never_oversells(areas: Any) -> None:
    village = areas["village"]
    small = lot_in(village, jin=6, harvest_date=dt.date(2020, 4, 12), code="SMALL")
    big = lot_in(village, jin=15, harvest_date=dt.date(2020, 4, 13), code="BIG")
    lot_in(village, jin=90, harvest_date=dt.date(2020, 4, 5), code="EXPIRED")  # gone on the 12th
    lot_in(village, jin=90, harvest_date=dt.date(2020, 4, 17), code="NOT-YET")  # after the day
    first = standing(hotel(village, "甲酒店"), jin=10)
    second = standing(hotel(village, "乙酒店"), jin=10)
    third = standing(hotel(village, "丙酒店"), jin=5)
    run = services.standing_orders_place(village=village, date=THURSDAY, actor=None)
    small.refresh_from_db()
    big.refresh_from_db()
    placed = {o.customer_id: o.lot_id for o in run.placed}
    # 甲 does not fit the first-expiring lot (6 jin) and takes the next; 乙 finds 5 jin
    # left anywhere and is skipped; 丙 fits the first-expiring lot.
    assert placed == {first.customer_id: big.pk, third.customer_id: small.pk}
    assert [(row.pk, reason) for row, reason in run.skipped] == [
        (second.pk, "库存不足：需要 10.00 斤，单个批次最多 6.00 斤")
    ]
    assert (small.grams_available, big.grams_available) == (500, 5 * 500)
    assert Lot.objects.filter(grams_available__lt=0).count() == 0


@pytest.mark.django_db
def test_no_good_lot_is_its_own_reason(areas: Any) -> None:
    village = areas["village"]
    lot_in(village, jin=90, harvest_date=dt.date(2020, 4, 1))  # expires 04-08
    standing(hotel(village), jin=10)
    run = services.standing_orders_place(village=village, date=THURSDAY, actor=None)
    assert run.placed == []
    assert "没有04月16日可用" in run.skipped[0][1]


@pytest.mark.django_db
def test_command_places_and_routes_with_the_receiving_window(areas: Any) -> None:
    village = areas["village"]
    lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 12))
    near = hotel(village, "近酒店", lat=37.20, lon=122.06)
    far = hotel(village, "远酒店", lat=37.40, lon=122.10)
    standing(near, jin=10, receive_from=dt.time(9, 0), receive_until=dt.time(10, 0))
    standing(far, jin=10, receive_from=dt.time(7, 0), receive_until=dt.time(8, 0))
    standing(far, jin=10, weekdays="1", receive_from=dt.time(14, 0), receive_until=dt.time(15, 0))
    out = StringIO()
    call_command(
        "sales_standing_orders",
        "--village",
        village.code,
        "--date",
        "2020-04-16",
        "--route",
        "--depot",
        "37.1955,122.0530",
        "--start",
        "06:30",
        stdout=out,
    )
    assert "2020-04-16: 2 placed, 0 skipped" in out.getvalue()
    run = DeliveryRun.objects.get()
    stops = {s.name: s for s in run.stops.all()}
    assert set(stops) == {"近酒店", "远酒店"}
    # the window of the standing order due on Thursday, not the Monday one
    assert (stops["远酒店"].window_from, stops["远酒店"].window_until) == (
        dt.time(7, 0),
        dt.time(8, 0),
    )
    for stop in stops.values():
        assert stop.window_from is not None and stop.window_until is not None and stop.eta
        assert stop.window_from <= stop.eta <= stop.window_until
    assert stops["远酒店"].eta < stops["近酒店"].eta  # the 7–8 window first, although farther
    call_command("sales_standing_orders", "--village", village.code, "--date", "2020-04-16")
    assert Order.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_standing_order_job_runs_in_the_worker(areas: Any, cadre: Any) -> None:
    village = areas["village"]
    lot_in(village, jin=50, harvest_date=dt.date(2020, 4, 12))
    standing(hotel(village, "甲酒店"), jin=10)
    standing(hotel(village, "乙酒店"), jin=60)
    row = job_start(
        kind="sales.standing_orders",
        label="酒店长期订单",
        owner=cadre,
        params={"village": village.code, "date": "2020-04-16"},
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row.refresh_from_db()
    assert row.status == "done"
    assert len(row.result["placed"]) == 1
    assert row.result["skipped"][0]["customer"] == "乙酒店"


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
