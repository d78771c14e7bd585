"""The live-stream host page on a phone: the counter refreshes itself (htmx, every 2 s)."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.sales import services
from villageaid.sales.tests.factories import lot_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_host_sees_sales_arrive_without_reloading(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    user = make_user(Role.SALES)
    lot = lot_in(areas["village"], jin=100)
    session = services.live_session_open(
        lot=lot, grams_quota=50 * 500, title="田间直播", actor=None
    )
    browser_login(page, live_server, user.username)
    page.goto(f"{live_server.url}/sales/live/{session.pk}/")
    assert page.locator(".live-sold").inner_text() == "0.00"
    services.order_place(
        lot=lot, channel="livestream", grams=3000, customer=None, idempotency_key="b1", actor=None
    )
    from playwright.sync_api import expect

    expect(page.locator(".live-sold")).to_have_text("6.00", timeout=8000)  # no reload
    assert page.locator(".live-left").inner_text() == "44.00"
