"""The collective's sales ledger: revenue and refunds from orders, costs charged to lots
(labour, packing, transport, platform fees). Read by the income distribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import audit, bounds
from villageaid.core.errors import ServiceError
from villageaid.sales.models import LedgerEntry, Lot, Order
from villageaid.sales.services._base import require_edit


def ledger_post_order(order: Order, kind: str, amount: Decimal, at: dt.datetime, note: str) -> None:
    """Revenue (a payment) or a refund of an order; the caller holds the order's lock."""
    LedgerEntry.objects.create(
        kind=kind,
        lot_id=order.lot_id,
        channel_id=order.channel_id,
        order=order,
        amount=amount,
        note=note,
        at=at,
        area_path=order.area_path,
    )


@transaction.atomic
def ledger_post_cost(
    *, lot: Lot, amount: Decimal, note: str, actor: Any, at: dt.datetime | None = None
) -> LedgerEntry:
    """A cost of the collective (labour, packing, transport, platform fee) charged to a lot."""
    require_edit(actor, lot.area_path)
    if amount <= 0:
        raise ServiceError(_("成本金额必须大于零"), code="invalid_amount")
    bounds.ensure(bounds.AMOUNT, amount)
    if len(note) > LedgerEntry._meta.get_field("note").max_length:  # type: ignore[operator]
        raise ServiceError(_("摘要过长"), code="note_too_long")
    entry = LedgerEntry.objects.create(
        kind=LedgerEntry.Kind.COST,
        lot=lot,
        amount=-amount,
        note=note,
        at=at or timezone.now(),
        area_path=lot.area_path,
    )
    audit.record(actor=actor, action="sales.ledger.cost", obj=entry, note=note)
    return entry
