from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from villageaid.accounts.models import ApiToken
from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.sales import routing, services
from villageaid.sales.tests.factories import lot_in

pytestmark = pytest.mark.django_db


def _sell(lot: Any, n: int, channel: str = "livestream") -> None:
    for i in range(n):
        order = services.order_place(
            lot=lot,
            channel=channel,
            grams=500,
            customer=None,
            idempotency_key=f"{lot.pk}-{channel}-{i}",
            actor=None,
        )
        services.order_pay(order=order, method="wechat", reference=str(i), actor=None)


def test_host_page_counts_and_refreshes_every_two_seconds(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=50)
    session = services.live_session_open(
        lot=lot, grams_quota=20 * 500, title="田间直播", actor=None
    )
    _sell(lot, 3)
    page = client_for(make_user(Role.SALES)).get(f"/sales/live/{session.pk}/")
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "田间直播" in html and ">3.00<" in html and ">17.00<" in html


def test_host_closes_the_session_but_a_cadre_may_only_watch(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=5)
    session = services.live_session_open(lot=lot, grams_quota=500, title="直播", actor=None)
    assert client_for(make_user(Role.CADRE)).post(f"/sales/live/{session.pk}/").status_code == 403
    client_for(make_user(Role.SALES)).post(f"/sales/live/{session.pk}/")
    session.refresh_from_db()
    assert session.closed_at is not None


def test_today_page_query_count_does_not_grow_with_orders(areas: Any, make_user: Any) -> None:
    client = client_for(make_user(Role.SALES))
    lot = lot_in(areas["village"], jin=100)
    day = dt.date.today().isoformat()
    _sell(lot, 2, "walk_in")
    client.get(f"/sales/?day={day}")  # warm: per-process caches (working date, navigation)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/sales/?day={day}").status_code == 200
    _sell(lot, 20, "staff")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/sales/?day={day}")
    assert "干部职工认购" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_lot_and_ledger_pages_show_stock_and_income(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=10, code="BM-TEST")
    _sell(lot, 4, "walk_in")
    services.ledger_post_cost(
        lot=lot, amount=__import__("decimal").Decimal("60"), note="包装", actor=None
    )
    client = client_for(make_user(Role.SALES))
    assert "6.00 / 10.00" in client.get("/sales/lots/").content.decode()
    ledger = client.get("/sales/ledger/").content.decode()
    assert "¥360.00" in ledger and "¥300.00" in ledger  # 4 jin at 90, less 60 cost


def test_pickup_verification_page(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    group = services.group_create(
        village=areas["village"],
        actor=None,
        name="望岛",
        leader="王",
        pickup_point="南门",
        lat=37.5,
        lon=122.1,
    )
    order = services.order_place(
        lot=lot,
        channel="community",
        grams=500,
        customer=None,
        idempotency_key="g",
        actor=None,
        group=group,
    )
    client = client_for(make_user(Role.SALES))
    assert order.pickup_code in client.get("/sales/groups/").content.decode()
    client.post(f"/sales/groups/{group.pk}/verify/", {"code": order.pickup_code})
    order.refresh_from_db()
    assert order.picked_up_at is not None


def test_session_api_needs_csrf_but_the_bearer_token_does_not(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    user = make_user(Role.SALES)
    body = {"lot": lot.pk, "channel": "walk_in", "quantity_jin": 1, "customer": None}
    session = Client(enforce_csrf_checks=True)
    session.force_login(user)
    refused = session.post(
        "/api/v1/sales/orders",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "s"},
    )
    _, raw = ApiToken.issue(user=user)
    bearer = Client(enforce_csrf_checks=True).post(
        "/api/v1/sales/orders",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "b", "Authorization": f"Bearer {raw}"},
    )
    assert refused.status_code in (401, 403)
    assert bearer.status_code == 201


def test_routes_respect_capacity_and_windows() -> None:
    stops = [
        routing.Stop(37.53, 122.13, 40 * 500, 7 * 60, 9 * 60),
        routing.Stop(37.51, 122.10, 40 * 500, 7 * 60, 9 * 60),
        routing.Stop(37.44, 122.15, 40 * 500, 8 * 60, 18 * 60),
    ]
    plan = routing.plan((37.19, 122.05), stops, vehicles=2, capacity_grams=80 * 500, seconds=1)
    loads: dict[int, int] = {}
    for visit in plan.visits:
        loads[visit.vehicle] = loads.get(visit.vehicle, 0) + stops[visit.stop].grams
        assert stops[visit.stop].open_min <= visit.arrival_min <= stops[visit.stop].close_min
    assert plan.dropped == []
    assert max(loads.values()) <= 80 * 500 and len(loads) == 2
    assert routing.haversine_km((37.19, 122.05), (37.53, 122.13)) == pytest.approx(38.5, abs=1)


def test_host_opens_a_session_from_the_live_page(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=30)
    client = client_for(make_user(Role.SALES))
    response = client.post("/sales/live/", {"lot": lot.pk, "quota_jin": "20", "title": "晚场"})
    session = lot.live_sessions.get()
    assert response["Location"] == f"/sales/live/{session.pk}/"
    assert (session.grams_quota, session.title, session.is_open) == (10_000, "晚场", True)
    assert (
        client_for(make_user(Role.CADRE)).post("/sales/live/", {"lot": lot.pk}).status_code == 403
    )
