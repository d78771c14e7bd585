from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.errors import Conflict
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.sales import selectors, services
from villageaid.sales.models import ChannelQuota, LedgerEntry, Lot, Order
from villageaid.sales.services import orders
from villageaid.sales.tests.factories import harvest_in, lot_in

pytestmark = pytest.mark.django_db


def place(lot: Lot, key: str, jin: int = 1, channel: str = "walk_in") -> Order:
    return services.order_place(
        lot=lot, channel=channel, grams=jin * 500, customer=None, idempotency_key=key, actor=None
    )


def test_repeated_key_returns_the_same_order_and_takes_stock_once(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    first = place(lot, "k-1", jin=3)
    again = place(lot, "k-1", jin=3)
    lot.refresh_from_db()
    assert again.pk == first.pk
    assert lot.grams_available == 7 * 500
    assert Order.objects.count() == 1


def test_order_is_priced_per_jin_by_channel(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    services.price_set(
        product=lot.product,
        channel=services.channel_get("staff"),
        price_per_jin=Decimal("87.50"),
        actor=None,
    )
    order = place(lot, "k-staff", jin=2, channel="staff")
    assert (order.price_per_jin, order.amount, order.buyer_type) == (
        Decimal("87.50"),
        Decimal("175.00"),
        "staff",
    )


def test_sold_out_lot_is_refused(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=2)
    place(lot, "a", jin=2)
    with pytest.raises(Conflict) as caught:
        place(lot, "b", jin=1)
    assert caught.value.code == "sold_out"


def test_channel_quota_limits_that_channel_only(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    services.quota_set(lot=lot, channel=services.channel_get("hotel"), grams=1500, actor=None)
    place(lot, "h1", jin=2, channel="hotel")
    with pytest.raises(Conflict):
        place(lot, "h2", jin=2, channel="hotel")
    place(lot, "w1", jin=5, channel="walk_in")  # other channels draw on the lot
    quota = ChannelQuota.objects.get(lot=lot)
    lot.refresh_from_db()
    assert (quota.grams_remaining, lot.grams_available) == (500, 3 * 500)


def test_database_refuses_negative_stock_even_without_the_check(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(pk=lot.pk).update(grams_available=F("grams_available") - 501)


def test_refund_restocks_and_posts_a_negative_entry(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=5)
    order = services.order_pay(
        order=place(lot, "r", jin=2), method="wechat", reference="wx1", actor=None
    )
    services.order_refund(order=order, actor=None, reason="品相不好")
    lot.refresh_from_db()
    amounts = list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount"))
    assert lot.grams_available == 5 * 500
    assert amounts == [("revenue", Decimal("180.00")), ("refund", Decimal("-180.00"))]


def test_cancel_and_expiry_restock(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=5)
    services.order_cancel(order=place(lot, "c", jin=2), actor=None)
    place(lot, "e", jin=3, channel="livestream")
    paid = services.order_pay(order=place(lot, "p", jin=1), method="cash", reference="", actor=None)
    expired = services.orders_expire(now=timezone.now() + dt.timedelta(hours=2))
    lot.refresh_from_db()
    assert expired == 1
    assert lot.grams_available == 4 * 500
    assert Order.objects.get(pk=paid.pk).status == "paid"


def test_shrinkage_cannot_take_stock_below_zero(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=2)
    services.lot_adjust(lot=lot, grams=-300, reason="失水", actor=None)
    with pytest.raises(Conflict):
        services.lot_adjust(lot=lot, grams=-800, reason="失水", actor=None)
    lot.refresh_from_db()
    assert lot.grams_available == 700


def test_live_session_counts_its_orders(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=20)
    session = services.live_session_open(lot=lot, grams_quota=5000, title="直播", actor=None)
    place(lot, "l1", jin=4, channel="livestream")
    place(lot, "l2", jin=6, channel="livestream")
    with pytest.raises(Conflict):
        place(lot, "l3", jin=1, channel="livestream")
    counter = selectors.live_counter(session)
    assert (counter["sold_jin"], counter["left_jin"], counter["orders"]) == (10, 0, 2)


def test_pickup_code_is_verified_once(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=5)
    group = services.group_create(
        village=areas["village"],
        actor=None,
        name="望岛名郡",
        leader="王姐",
        pickup_point="望岛名郡南门便利店",
        lat=37.5,
        lon=122.1,
    )
    order = services.order_place(
        lot=lot,
        channel="community",
        grams=1000,
        customer=None,
        idempotency_key="g1",
        actor=None,
        group=group,
    )
    services.pickup_verify(group=group, code=order.pickup_code, actor=None)
    with pytest.raises(Exception, match="核销码"):
        services.pickup_verify(group=group, code=order.pickup_code, actor=None)


def test_the_service_itself_refuses_another_village_and_a_read_only_role(
    areas: Any, make_user: Any, cadre: Any
) -> None:
    """核销 checks the actor's role and area in the service, not only in the view."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    lot = lot_in(areas["village"], jin=5)
    group = services.group_create(
        village=areas["village"],
        actor=None,
        name="望岛名郡",
        leader="王姐",
        pickup_point="南门",
        lat=37.5,
        lon=122.1,
    )
    order = services.order_place(
        lot=lot,
        channel="community",
        grams=1000,
        customer=None,
        idempotency_key="g2",
        actor=None,
        group=group,
    )
    audits, orders = AuditEvent.objects.count(), Order.objects.count()
    with pytest.raises(Http404):
        services.pickup_verify(
            group=group, code=order.pickup_code, actor=make_user(Role.SALES, "neighbour")
        )
    with pytest.raises(PermissionDenied):  # a cadre may look at sales, not hand goods out
        services.pickup_verify(group=group, code=order.pickup_code, actor=cadre)
    order.refresh_from_db()
    assert order.picked_up_at is None
    assert (AuditEvent.objects.count(), Order.objects.count()) == (audits, orders)
    services.pickup_verify(group=group, code=order.pickup_code, actor=make_user(Role.SALES))
    order.refresh_from_db()
    assert order.picked_up_at is not None


def test_every_sales_write_checks_the_actor_in_the_service(
    areas: Any, make_user: Any, cadre: Any
) -> None:
    """Lots, quotas, orders, customers and groups: a neighbouring village's sales user is
    refused (404) and a read-only role too (403) by the service itself; nothing is written."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    lot = lot_in(areas["village"], jin=5)
    order = services.order_place(
        lot=lot, channel="walk_in", grams=1000, customer=None, idempotency_key="w1", actor=None
    )
    neighbour = make_user(Role.SALES, "neighbour")
    writes = [
        lambda actor: services.lot_adjust(lot=lot, grams=-500, reason="晾晒", actor=actor),
        lambda actor: services.order_cancel(order=order, actor=actor),
        lambda actor: services.order_deliver(order=order, actor=actor),
        lambda actor: services.customer_create(village=areas["village"], actor=actor, name="张"),
        lambda actor: services.lot_create(
            harvests=[harvest_in(areas["village"], jin=1)], product=lot.product, actor=actor
        ),
    ]
    before = (AuditEvent.objects.count(), Order.objects.count(), Lot.objects.count())
    for write in writes:
        with pytest.raises(Http404):
            write(neighbour)
        with pytest.raises(PermissionDenied):
            write(cadre)
    lot.refresh_from_db()
    order.refresh_from_db()
    assert lot.grams_available == 1500 and order.status == Order.Status.RESERVED
    assert (AuditEvent.objects.count(), Order.objects.count(), Lot.objects.count()) == before


# --- HTTP ------------------------------------------------------------------


def _post(client: Any, lot: Lot, key: str | None, jin: str = "2") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    body = {"lot": lot.pk, "channel": "livestream", "quantity_jin": jin, "customer": None}
    return client.post(
        "/api/v1/sales/orders", body, content_type="application/json", headers=headers
    )


def test_api_order_is_idempotent_and_answers_409_when_sold_out(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=3)
    client = client_for(make_user(Role.SALES))
    first = _post(client, lot, "api-1")
    again = _post(client, lot, "api-1")
    sold_out = _post(client, lot, "api-2")
    assert first.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["quantity_jin"] in ("2.00", 2, 2.0, "2")
    assert sold_out.status_code == 409
    assert sold_out.json()["code"] == "sold_out"


def test_api_needs_a_key_and_the_edit_right(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=3)
    assert _post(client_for(make_user(Role.SALES)), lot, None).status_code == 400
    assert _post(client_for(make_user(Role.CADRE)), lot, "x").status_code == 403
    neighbour = make_user(Role.SALES, "neighbour", username="sales-nb")
    assert _post(client_for(neighbour), lot, "y").status_code == 404


def test_api_lots_are_area_scoped(areas: Any, make_user: Any) -> None:
    lot_in(areas["village"], jin=3, code="OWN")
    lot_in(areas["neighbour"], jin=3, code="OTHER")
    response = client_for(make_user(Role.SALES)).get("/api/v1/sales/lots")
    assert [row["code"] for row in response.json()["items"]] == ["OWN"]


@pytest.mark.parametrize(("short", "grams"), [("lot", 6000), ("quota", 2500)])
def test_locked_step_refuses_what_a_stale_early_read_let_through(
    areas: Any, monkeypatch: Any, short: str, grams: int
) -> None:
    """Under a race the unlocked early read is stale; the lot's conditional decrement and
    the quota's CHECK decide, and a refusal rolls back the order and its audit row."""
    lot = lot_in(areas["village"], jin=10)  # 5,000 g
    services.quota_set(lot=lot, channel=services.channel_get("hotel"), grams=2000, actor=None)
    stale = orders._OrderContext(
        grams_available=10**6,
        area_path=lot.area_path,
        quota_left=10**6,
        price_per_jin=Decimal(90),
        session_id=None,
        buyer_type="hotel",
        reserve_minutes=60,
        existing_id=None,
        existing_lot_id=None,
        existing_fingerprint=None,
        expires_on=lot.expires_on,
    )
    monkeypatch.setattr(orders, "_order_context", lambda *args: stale)
    audits = AuditEvent.objects.count()
    with pytest.raises(Conflict) as caught:
        services.order_place(
            lot=lot, channel="hotel", grams=grams, customer=None, idempotency_key=short, actor=None
        )
    lot.refresh_from_db()
    assert caught.value.code == "sold_out"
    assert (lot.grams_available, ChannelQuota.objects.get(lot=lot).grams_remaining) == (5000, 2000)
    assert not Order.objects.exists()
    assert AuditEvent.objects.count() == audits
