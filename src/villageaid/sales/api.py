"""Sales API (INTERFACES 7): ``POST /orders`` with ``Idempotency-Key``, order and lot lists."""
# No "from __future__ import annotations": ninja resolves the body schema from
# the annotations of the access wrapper, whose globals are core.access's.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from villageaid.core import access, bounds, roles, units
from villageaid.core.errors import ServiceError
from villageaid.core.paging import ApiPagination
from villageaid.sales import selectors, services
from villageaid.sales.models import Lot, Order

router = Router(tags=["sales"])
MODULE = roles.Module.SALES


class OrderIn(Schema):
    lot: bounds.ApiId
    channel: Annotated[str, Field(max_length=20)]
    quantity_jin: bounds.JinIn
    customer: bounds.ApiId | None = None


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

    @staticmethod
    def resolve_lot(obj: Order) -> int:
        return obj.lot_id

    @staticmethod
    def resolve_channel(obj: Order) -> str:
        return str(obj.channel_id)

    @staticmethod
    def resolve_customer(obj: Order) -> int | None:
        return obj.customer_id

    @staticmethod
    def resolve_quantity_jin(obj: Order) -> Decimal:
        return obj.jin


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

    @staticmethod
    def resolve_product(obj: Lot) -> str:
        return obj.product.name

    @staticmethod
    def resolve_days_left(obj: Lot) -> int:
        return obj.days_left()

    @staticmethod
    def resolve_quantity_jin(obj: Lot) -> Decimal:
        return obj.jin_initial

    @staticmethod
    def resolve_available_jin(obj: Lot) -> Decimal:
        return obj.jin_available


def _grams(quantity_jin: Decimal) -> int:
    try:
        grams = units.grams_from_jin(quantity_jin, exact=True)
    except units.UnitError:
        grams = 0
    if grams <= 0:
        raise ServiceError(_("数量须为正数，精确到克"), code="invalid_quantity")
    return grams


@router.post("/orders", response={201: OrderOut})
@access.access(MODULE, roles.EDIT)
def order_create(request: HttpRequest, payload: OrderIn) -> Status:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ServiceError("缺少 Idempotency-Key 请求头", code="idempotency_key_required")
    customer = None
    if payload.customer is not None:
        customer = selectors.customer_get(request.user, payload.customer, roles.EDIT)
    # The lot is scoped inside order_place (core.access.check_row on the row it reads).
    order = services.order_place(
        lot=payload.lot,
        channel=payload.channel,
        grams=_grams(payload.quantity_jin),
        customer=customer,
        idempotency_key=key,
        actor=request.user,
        scope_user=request.user,
    )
    return Status(201, order)


@router.get("/orders", response=list[OrderOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def orders(
    request: HttpRequest, status: str = "", channel: str = "", lot: bounds.QueryId = 0
) -> Any:
    rows = selectors.orders_for(request.user)
    if status:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel_id=channel)
    if lot:
        rows = rows.filter(lot_id=lot)
    return rows.order_by("-pk")


@router.get("/lots", response=list[LotOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def lots(request: HttpRequest, in_stock: bool = False) -> Any:
    rows = selectors.lots_in_stock(request.user) if in_stock else selectors.lots_for(request.user)
    return rows
