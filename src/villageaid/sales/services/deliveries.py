"""Deliveries: hotels' standing orders placed for a day (FEFO), delivery runs routed for
the day's delivered orders, and 核销 at community pickup points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import audit, bounds
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.sales import routing
from villageaid.sales.models import (
    CommunityGroup,
    DeliveryRun,
    DeliveryStop,
    HotelStandingOrder,
    Order,
)
from villageaid.sales.services._base import require_edit
from villageaid.sales.services.orders import order_place_fefo


@transaction.atomic
def pickup_verify(*, group: CommunityGroup, code: str, actor: Any) -> Order:
    """核销: the resident shows the code at the pickup point of the group that sold it."""
    require_edit(actor, group.area_path)
    order = (
        Order.objects.select_for_update()
        .filter(group=group, pickup_code=code.strip()[:8], picked_up_at__isnull=True)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .first()
    )
    if order is None:
        raise ServiceError(_("核销码无效或已使用"), code="bad_pickup_code")
    order.picked_up_at = timezone.now()
    if order.status == Order.Status.PAID:
        order.status = Order.Status.DELIVERED
    order.save(update_fields=["picked_up_at", "status"])
    audit.record(actor=actor, action="sales.pickup.verify", obj=order, note=group.name)
    return order


def _minutes(value: dt.time | None, default: int) -> int:
    return value.hour * 60 + value.minute if value else default


def _clock(minutes: int) -> dt.time:
    return dt.time(min(minutes // 60, 23), minutes % 60)


@transaction.atomic
def delivery_run_plan(
    *,
    village: Area,
    date: dt.date,
    depot: tuple[float, float],
    vehicles: int,
    capacity_grams: int,
    actor: Any,
    start: dt.time = dt.time(7, 0),
) -> DeliveryRun:
    """Route the day's delivered orders (hotels, community pickup points, budget units)."""
    require_edit(actor, village.path)
    bounds.ensure(bounds.VEHICLES, vehicles)
    bounds.ensure(bounds.GRAMS, capacity_grams)
    orders = (
        Order.objects.filter(area_path__startswith=village.path, deliver_on=date)
        .filter(status__in=[Order.Status.RESERVED, Order.Status.PAID])
        .exclude(customer=None)
        .select_related("customer")
        .order_by("customer_id", "pk")
    )
    by_customer: dict[int, list[Order]] = {}
    for order in orders:
        if order.customer and order.customer.lat is not None:
            by_customer.setdefault(order.customer.pk, []).append(order)
    targets = [group[0].customer for group in by_customer.values()]
    windows = _windows([c.pk for c in targets if c is not None], date)
    stops = []
    for customer in targets:
        assert customer is not None and customer.lat is not None and customer.lon is not None
        grams = sum(o.grams for o in by_customer[customer.pk])
        opens, closes = windows.get(customer.pk, (dt.time(8, 0), dt.time(18, 0)))
        stops.append(
            routing.Stop(customer.lat, customer.lon, grams, _minutes(opens, 0), _minutes(closes, 0))
        )
    result = routing.plan(
        depot,
        stops,
        vehicles=vehicles,
        capacity_grams=capacity_grams,
        start_min=_minutes(start, 7 * 60),
    )
    run = DeliveryRun.objects.create(
        date=date,
        vehicles=vehicles,
        capacity_grams=capacity_grams,
        depot_lat=depot[0],
        depot_lon=depot[1],
        total_km=result.total_km,
        area_path=village.path,
    )
    for visit in result.visits:
        customer = targets[visit.stop]
        assert customer is not None
        opens, closes = windows.get(customer.pk, (dt.time(8, 0), dt.time(18, 0)))
        stop = DeliveryStop.objects.create(
            run=run,
            vehicle=visit.vehicle,
            sequence=visit.sequence,
            name=customer.name,
            address=customer.address,
            phone=customer.phone,
            lat=customer.lat or 0,
            lon=customer.lon or 0,
            grams=stops[visit.stop].grams,
            window_from=opens,
            window_until=closes,
            eta=_clock(visit.arrival_min),
        )
        stop.orders.set(by_customer[customer.pk])
    note = f"{len(result.visits)} 站, {result.total_km} km, 未排 {len(result.dropped)}"
    audit.record(actor=actor, action="sales.run.plan", obj=run, area=village, note=note)
    return run


def _windows(customer_ids: list[int], date: dt.date) -> dict[int, tuple[dt.time, dt.time]]:
    """Receiving windows: a hotel's standing order (the one due that weekday first),
    else none (a day window)."""
    weekday = str(date.isoweekday())
    rows = HotelStandingOrder.objects.filter(customer_id__in=customer_ids, active=True)
    ranked = sorted(rows, key=lambda row: (weekday in row.weekdays, -row.pk))
    return {row.customer_id: (row.receive_from, row.receive_until) for row in ranked}


@dataclass
class StandingRun:
    """What a day's standing-order run did: orders placed (or found from an earlier
    run of the same day) and standing orders skipped, each with its reason."""

    date: dt.date
    placed: list[Order] = field(default_factory=list)
    skipped: list[tuple[HotelStandingOrder, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "placed": [o.pk for o in self.placed],
            "skipped": [
                {"standing": row.pk, "customer": row.customer.name, "reason": reason}
                for row, reason in self.skipped
            ],
        }


def standing_orders_due(*, village: Area, date: dt.date) -> list[HotelStandingOrder]:
    """Active standing orders of the village's customers that deliver on ``date``'s weekday."""
    weekday = str(date.isoweekday())
    rows = (
        HotelStandingOrder.objects.filter(area_path__startswith=village.path, active=True)
        .select_related("customer", "product")
        .order_by("pk")
    )
    return [row for row in rows if weekday in row.weekdays]


def standing_orders_place(*, village: Area, date: dt.date, actor: Any) -> StandingRun:
    """The day's hotel orders from their standing orders (INTERFACES 7, hotels).

    Each due standing order becomes one order, keyed ``standing-<id>-<yyyymmdd>`` so
    that running the day again places nothing twice, drawn first expiring first (FEFO)
    from the product's lots harvested by the day and still good on it
    (:func:`order_place_fefo`). A standing order no lot can cover is skipped with its
    reason."""
    require_edit(actor, village.path)
    run = StandingRun(date=date)
    for row in standing_orders_due(village=village, date=date):
        try:
            order = order_place_fefo(
                village=village,
                product=row.product,
                channel="hotel",
                grams=row.grams,
                customer=row.customer,
                idempotency_key=f"standing-{row.pk}-{date:%Y%m%d}",
                actor=actor,
                deliver_on=date,
            )
        except Conflict as exc:
            run.skipped.append((row, exc.message))
            continue
        run.placed.append(order)
    audit.record(
        actor=actor,
        action="sales.standing.place",
        area=village,
        note=f"{date:%Y-%m-%d}: {len(run.placed)} 单, 跳过 {len(run.skipped)}",
    )
    return run
