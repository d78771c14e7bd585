"""``POST /api/v1/sales/orders``: the lot's scope, decided on the row the order path reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from villageaid.accounts.models import ApiToken
from villageaid.core.roles import Role
from villageaid.sales.models import Lot, Order
from villageaid.sales.tests.factories import lot_in

pytestmark = pytest.mark.django_db


def _order(user: Any, lot: int, key: str, jin: str = "1") -> Any:
    _, raw = ApiToken.issue(user=user)
    return Client().post(
        "/api/v1/sales/orders",
        {"lot": lot, "channel": "walk_in", "quantity_jin": jin},
        content_type="application/json",
        headers={"Idempotency-Key": key, "Authorization": f"Bearer {raw}"},
    )


def test_a_lot_of_another_village_is_not_found_and_untouched(areas: Any, make_user: Any) -> None:
    theirs = lot_in(areas["neighbour"], jin=10)
    response = _order(make_user(Role.SALES), theirs.pk, "k1")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Lot.objects.get(pk=theirs.pk).grams_available == 5000
    assert not Order.objects.exists()


def test_an_unknown_lot_is_not_found(areas: Any, make_user: Any) -> None:
    response = _order(make_user(Role.SALES), 999_999, "k2")
    assert response.status_code == 404


def test_a_role_that_may_only_view_sales_is_forbidden(areas: Any, make_user: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    response = _order(make_user(Role.TECH), lot.pk, "k3")
    assert response.status_code == 403
    assert Lot.objects.get(pk=lot.pk).grams_available == 5000


def test_a_township_official_may_not_sell_but_a_clerk_of_the_village_may(
    areas: Any, make_user: Any
) -> None:
    lot = lot_in(areas["village"], jin=10)
    assert _order(make_user(Role.TOWNSHIP), lot.pk, "k4").status_code == 403
    made = _order(make_user(Role.SALES), lot.pk, "k5")
    assert made.status_code == 201 and made.json()["grams"] == 500


def test_a_key_used_on_another_lot_is_refused_not_answered(areas: Any, make_user: Any) -> None:
    """Keys are unique across lots; a second lot under the same key must not reveal the
    first order (it may be another village's), and must not be placed either."""
    first = lot_in(areas["village"], jin=10)
    second = lot_in(areas["village"], jin=10)
    clerk = make_user(Role.SALES)
    assert _order(clerk, first.pk, "same").status_code == 201
    again = _order(clerk, first.pk, "same")
    assert again.status_code == 201 and Order.objects.count() == 1
    reused = _order(clerk, second.pk, "same")
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Lot.objects.get(pk=second.pk).grams_available == 5000


def test_a_key_reused_with_another_body_is_422_naming_the_mismatch(
    areas: Any, make_user: Any
) -> None:
    """Issue 18, finding 12: the IETF idempotency-key draft answers 422 for a key reused
    with a different payload; the first order is not handed back as if it were this one."""
    lot = lot_in(areas["village"], jin=10)
    clerk = make_user(Role.SALES)
    first = _order(clerk, lot.pk, "body-1", jin="1")
    assert first.status_code == 201
    other = _order(clerk, lot.pk, "body-1", jin="2")
    assert other.status_code == 422
    body = other.json()
    assert body["code"] == "idempotency_key_mismatch"
    assert "Idempotency-Key" in body["detail"]
    assert Order.objects.count() == 1
    assert Lot.objects.get(pk=lot.pk).grams_available == 4500


def test_the_same_body_under_the_same_key_answers_the_same_order(
    areas: Any, make_user: Any
) -> None:
    lot = lot_in(areas["village"], jin=10)
    clerk = make_user(Role.SALES)
    first = _order(clerk, lot.pk, "body-2", jin="1.5")
    again = _order(clerk, lot.pk, "body-2", jin="1.50")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Lot.objects.get(pk=lot.pk).grams_available == 4250
