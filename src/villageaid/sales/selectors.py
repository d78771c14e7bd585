"""Reads of sales, always scoped through core.access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from villageaid.core import access, roles
from villageaid.sales.models import (
    CommunityGroup,
    DeliveryRun,
    LedgerEntry,
    LiveSession,
    Lot,
    Order,
    jin,
)

MODULE = roles.Module.SALES
HOLDING = [Order.Status.RESERVED, Order.Status.PAID, Order.Status.DELIVERED]
SOLD = [Order.Status.PAID, Order.Status.DELIVERED]


def _scope(queryset: QuerySet[Any], user: Any, action: str = roles.VIEW) -> QuerySet[Any]:
    return access.scope(queryset, user, MODULE, action, area_path="area_path")


def _get(queryset: QuerySet[Any], user: Any, pk: int, action: str = roles.VIEW) -> Any:
    return access.get_for(queryset, user, MODULE, action, area_path="area_path", pk=pk)


def lots_for(user: Any, action: str = roles.VIEW) -> QuerySet[Lot]:
    return _scope(Lot.objects.select_related("product", "village"), user, action)


def lot_get(user: Any, pk: int, action: str = roles.VIEW) -> Lot:
    lot: Lot = _get(Lot.objects.select_related("product"), user, pk, action)
    return lot


def lots_in_stock(user: Any) -> QuerySet[Lot]:
    """Lots with stock left, first expiring first (FEFO)."""
    return lots_for(user).filter(grams_available__gt=0).order_by("expires_on", "pk")


def orders_for(user: Any, action: str = roles.VIEW) -> QuerySet[Order]:
    return _scope(Order.objects.select_related("lot", "channel", "customer"), user, action)


def order_get(user: Any, pk: int, action: str = roles.VIEW) -> Order:
    order: Order = _get(Order.objects.select_related("lot", "channel"), user, pk, action)
    return order


def customer_get(user: Any, pk: int, action: str = roles.VIEW) -> Any:
    from villageaid.sales.models import Customer

    return _get(Customer.objects.all(), user, pk, action)


def orders_on(user: Any, day: dt.date) -> QuerySet[Order]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return orders_for(user).filter(created_at__gte=start, created_at__lt=start + dt.timedelta(1))


def live_sessions_for(user: Any) -> QuerySet[LiveSession]:
    return _scope(LiveSession.objects.select_related("lot"), user)


def live_session_get(user: Any, pk: int) -> LiveSession:
    session: LiveSession = _get(LiveSession.objects.select_related("lot"), user, pk)
    return session


def live_counter(session: LiveSession, now: dt.datetime | None = None) -> dict[str, Any]:
    """Sold, left and the per-minute rate of a live-stream session, from its orders."""
    totals = session.orders.filter(status__in=HOLDING).aggregate(
        grams=Sum("grams"), amount=Sum("amount"), orders=Count("pk")
    )
    grams = totals["grams"] or 0
    end = session.closed_at or now or timezone.now()
    minutes = max((end - session.opened_at).total_seconds() / 60, 1) if session.opened_at else 1
    return {
        "sold_jin": jin(grams),
        "left_jin": jin(max(session.grams_quota - grams, 0)),
        "quota_jin": jin(session.grams_quota),
        "amount": totals["amount"] or Decimal(0),
        "orders": totals["orders"],
        "jin_per_minute": (jin(grams) / Decimal(minutes)).quantize(Decimal("0.1")),
        "percent": (
            percent := round(100 * grams / session.grams_quota) if session.grams_quota else 0
        ),
        "bar": min(percent, 100),
    }


def groups_for(user: Any) -> QuerySet[CommunityGroup]:
    return _scope(CommunityGroup.objects.all(), user)


def pick_lists(user: Any, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Per pickup point: the orders to bag, with their verification codes."""
    rows = []
    for group in groups_for(user).prefetch_related("orders__lot__product"):
        orders = [
            o
            for o in group.orders.all()
            if o.status in HOLDING and (day is None or o.deliver_on in (None, day))
        ]
        if orders:
            rows.append(
                {
                    "group": group,
                    "orders": orders,
                    "jin": jin(sum(o.grams for o in orders)),
                    "waiting": sum(1 for o in orders if o.picked_up_at is None),
                }
            )
    return rows


def runs_for(user: Any) -> QuerySet[DeliveryRun]:
    return _scope(DeliveryRun.objects.all(), user)


def run_get(user: Any, pk: int) -> DeliveryRun:
    run: DeliveryRun = _get(DeliveryRun.objects.prefetch_related("stops"), user, pk)
    return run


def channel_totals(orders: QuerySet[Order]) -> list[dict[str, Any]]:
    rows = (
        orders.filter(status__in=SOLD)
        .values("channel__code", "channel__name")
        .annotate(grams=Sum("grams"), amount=Sum("amount"), orders=Count("pk"))
        .order_by("channel__code")
    )
    return [{**r, "jin": jin(r["grams"] or 0)} for r in rows]


def buyer_type_totals(orders: QuerySet[Order]) -> list[dict[str, Any]]:
    rows = (
        orders.filter(status__in=SOLD)
        .values("buyer_type")
        .annotate(grams=Sum("grams"), amount=Sum("amount"))
        .order_by("buyer_type")
    )
    return [{**r, "jin": jin(r["grams"] or 0)} for r in rows]


def income_statement(
    user: Any, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """The collective's statement: revenue, refunds and costs per channel and lot, and net income."""
    entries = _scope(LedgerEntry.objects.all(), user)
    if start:
        entries = entries.filter(at__date__gte=start)
    if end:
        entries = entries.filter(at__date__lte=end)
    kinds = {k: Q(kind=k) for k in LedgerEntry.Kind.values}
    sums = {k: Sum("amount", filter=q) for k, q in kinds.items()}
    by_channel = (
        entries.exclude(channel=None)
        .values("channel__code", "channel__name")
        .annotate(**sums)
        .order_by("channel__code")
    )
    by_lot = entries.values("lot__code").annotate(**sums).order_by("lot__code")
    totals = entries.aggregate(**sums)
    totals = {k: v or Decimal(0) for k, v in totals.items()}
    return {
        "by_channel": list(by_channel),
        "by_lot": list(by_lot),
        "totals": totals,
        "net": sum(totals.values(), Decimal(0)),
    }


def lot_trace(lot: Lot) -> dict[str, Any]:
    """A lot back to where it grew and forward to where it went: its harvest records with
    each house's crop cycle and climate (greenhouse selectors), the fresh lot a dried one
    was made from, shrinkage and drying adjustments, and its orders."""
    from villageaid.greenhouse.selectors import harvest_trace

    fresh = lot.source if lot.source is not None else lot
    entries = fresh.harvests.select_related("harvest__house__park").order_by("harvest__house")
    return {
        "lot": lot,
        "fresh": fresh,
        "harvests": [harvest_trace(entry.harvest) for entry in entries],
        "harvested_jin": jin(sum(entry.grams for entry in entries)),
        "adjustments": list(lot.adjustments.order_by("at", "pk")),
        "derived": list(lot.derived.select_related("product")),
    }


def lot_orders(lot: Lot) -> QuerySet[Order]:
    return lot.orders.select_related("channel", "customer").order_by("-created_at", "-pk")


def lot_by_token(token: str) -> Lot:
    """The lot a box label's QR code names (public: no area scope, no personal data shown)."""
    from django.http import Http404

    lot = Lot.objects.select_related("product", "village", "source").filter(public_token=token[:22])
    found = lot.first()
    if found is None:
        raise Http404
    return found
