"""Sales API (INTERFACES 7): ``POST /orders`` with ``Idempotency-Key``, order and lot lists."""
# No "from __future__ import annotations": ninja resolves the body schema from
# the annotations of the access wrapper, whose globals are core.access's.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.sales import selectors, services
from villageaid.sales.models import GRAMS_PER_JIN, Lot, Order

router = Router(tags=["sales"])
MODULE = roles.Module.SALES


class OrderIn(Schema):
    lot: int
    channel: str
    quantity_jin: Decimal
    customer: int | None = None


class OrderOut(Schema):
    id: int
    lot: int
    channel: str
    customer: int | None
    buyer_type: str
    quantity_jin: Decimal
    grams: int
    price_per_jin: Decimal
    amount: Decimal
    status: str
    reserved_until: dt.datetime | None
    pickup_code: str
    created_at: dt.datetime


class LotOut(Schema):
    id: int
    code: str
    product: str
    grade: str
    harvest_date: dt.date
    expires_on: dt.date
    days_left: int
    quantity_jin: Decimal
    available_jin: Decimal
    grams_available: int


def order_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "lot": order.lot_id,
        "channel": order.channel_id,
        "customer": order.customer_id,
        "buyer_type": order.buyer_type,
        "quantity_jin": order.jin,
        "grams": order.grams,
        "price_per_jin": order.price_per_jin,
        "amount": order.amount,
        "status": order.status,
        "reserved_until": order.reserved_until,
        "pickup_code": order.pickup_code,
        "created_at": order.created_at,
    }


def lot_out(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.pk,
        "code": lot.code,
        "product": lot.product.name,
        "grade": lot.grade,
        "harvest_date": lot.harvest_date,
        "expires_on": lot.expires_on,
        "days_left": lot.days_left(),
        "quantity_jin": lot.jin_initial,
        "available_jin": lot.jin_available,
        "grams_available": lot.grams_available,
    }


def _grams(quantity_jin: Decimal) -> int:
    grams = quantity_jin * GRAMS_PER_JIN
    if grams <= 0 or grams != grams.to_integral_value():
        raise ServiceError("数量须为正数，精确到克", code="invalid_quantity")
    return int(grams)


@router.post("/orders", response={201: OrderOut})
@access.access(MODULE, roles.EDIT)
def order_create(request: HttpRequest, payload: OrderIn) -> Status:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ServiceError("缺少 Idempotency-Key 请求头", code="idempotency_key_required")
    lot = selectors.lot_get(request.user, payload.lot, roles.EDIT)
    customer = None
    if payload.customer is not None:
        customer = selectors.customer_get(request.user, payload.customer, roles.EDIT)
    order = services.order_place(
        lot=lot,
        channel=payload.channel,
        grams=_grams(payload.quantity_jin),
        customer=customer,
        idempotency_key=key,
        actor=request.user,
    )
    return Status(201, order_out(order))


@router.get("/orders", response=list[OrderOut])
@paginate(PageNumberPagination, page_size=50)
@access.access(MODULE)
def orders(request: HttpRequest, status: str = "", channel: str = "", lot: int = 0) -> Any:
    rows = selectors.orders_for(request.user)
    if status:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel_id=channel)
    if lot:
        rows = rows.filter(lot_id=lot)
    return [order_out(o) for o in rows.order_by("-pk")]


@router.get("/lots", response=list[LotOut])
@paginate(PageNumberPagination, page_size=50)
@access.access(MODULE)
def lots(request: HttpRequest, in_stock: bool = False) -> Any:
    rows = selectors.lots_in_stock(request.user) if in_stock else selectors.lots_for(request.user)
    return [lot_out(lot) for lot in rows]
