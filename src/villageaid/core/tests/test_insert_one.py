"""``core.bulk.insert_one`` must store exactly what ``save(force_insert=True)`` stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from villageaid.core.bulk import insert_one
from villageaid.core.models import AuditEvent
from villageaid.sales.models import Order
from villageaid.sales.tests.factories import lot_in

pytestmark = pytest.mark.django_db

AT = dt.datetime(2020, 4, 10, 9, 30, tzinfo=dt.UTC)


def _stored(model: Any, pk: int) -> dict[str, Any]:
    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id")
    return row


def test_an_audit_row_with_json_and_foreign_keys(areas: Any, make_user: Any) -> None:
    actor = make_user("cadre")
    fields: dict[str, Any] = {
        "actor": actor,
        "action": "x.y",
        "object_type": "sales.order",
        "object_id": "17",
        "area": areas["village"],
        "before": {"姓名": "张三", "n": [1, 2.5, None]},
        "after": None,
        "note": "备注",
        "at": AT,
    }
    fast = insert_one(AuditEvent(**fields))
    slow = AuditEvent(**fields)
    slow.save(force_insert=True)
    assert fast.pk is not None and fast.pk != slow.pk
    assert not fast._state.adding
    assert _stored(AuditEvent, fast.pk) == _stored(AuditEvent, slow.pk)
    assert AuditEvent.objects.get(pk=fast.pk).before == {"姓名": "张三", "n": [1, 2.5, None]}


def test_an_order_with_decimals_dates_and_defaults(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=10)
    fields: dict[str, Any] = {
        "lot_id": lot.pk,
        "channel_id": "walk_in",
        "buyer_type": "individual",
        "grams": 1250,
        "price_per_jin": Decimal("89.50"),
        "amount": Decimal("223.75"),
        "reserved_until": AT + dt.timedelta(minutes=30),
        "deliver_on": dt.date(2020, 4, 12),
        "area_path": lot.area_path,
        "created_at": AT,
    }
    from villageaid.sales import services

    services.channel_get("walk_in")
    fast = insert_one(Order(idempotency_key="fast", **fields))
    slow = Order(idempotency_key="slow", **fields)
    slow.save(force_insert=True)
    a, b = _stored(Order, fast.pk), _stored(Order, slow.pk)
    assert a.pop("idempotency_key") == "fast" and b.pop("idempotency_key") == "slow"
    assert a == b
    assert Order.objects.get(pk=fast.pk).price_per_jin == Decimal("89.50")


def test_a_model_with_history_receivers_is_refused(areas: Any) -> None:
    from villageaid.registry.models import Household

    with pytest.raises(TypeError, match="save receivers"):
        insert_one(Household(code="H1", village=areas["village"]))
    assert not Household.objects.exists()


@pytest.mark.postgres
def test_the_hot_tables_carry_no_pattern_ops_twins() -> None:
    """Each order and each audit event writes every index of its table: keep them lean
    (see sales.models.Order.Meta and core.models.AuditEvent.Meta)."""
    from django.db import connection

    from villageaid.conftest import require_service

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "index definitions are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename IN "
            "('sales_order', 'core_auditevent') AND indexdef LIKE '%%pattern_ops%%'"
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'sales_order'")
        assert cursor.fetchone()[0] <= 10
