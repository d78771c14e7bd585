"""Writes of sales. Stock (``Lot.grams_available`` and
``ChannelQuota.grams_remaining``) changes only in the functions here, inside one
atomic block that locks the lot first and then its quota rows in primary-key
order (``select_for_update``; on SQLite the IMMEDIATE transaction mode
serialises writers), decrements with ``F()`` and leans on CHECK constraints, so
a lot can never be oversold even if a check above were wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from villageaid.core import access, audit, bounds, bulk, roles
from villageaid.core.errors import Conflict, ServiceError, Unprocessable
from villageaid.core.models import Area, AuditEvent
from villageaid.sales import platforms, routing
from villageaid.sales.channels import CHANNELS
from villageaid.sales.models import (
    GRAMS_PER_JIN,
    Channel,
    ChannelPrice,
    ChannelQuota,
    CommunityGroup,
    Customer,
    DeliveryRun,
    DeliveryStop,
    HotelStandingOrder,
    LedgerEntry,
    LiveSession,
    Lot,
    LotAdjustment,
    Order,
    Product,
    jin,
)

CENT = Decimal("0.01")
LIVESTREAM = "livestream"
COMMUNITY = "community"
MODULE = roles.Module.SALES


def _require_edit(actor: Any, area_path: str) -> None:
    """The service's own check of the actor's role and area (the views check first);
    ``None`` is the system itself (a command, a job, the demo)."""
    if actor is not None:
        access.check_row(actor, MODULE, roles.EDIT, area_path)


def channel_get(code: str) -> Channel:
    """The channel row for a registered code (created from the registry on first use)."""
    spec = CHANNELS.get(code)
    if spec is None:
        raise ServiceError(f"未知的销售渠道：{code}", code="unknown_channel")
    channel, _ = Channel.objects.get_or_create(
        code=code,
        defaults={
            "name": spec.name,
            "buyer_type": spec.buyer_type,
            "reserve_minutes": spec.reserve_minutes,
        },
    )
    return channel


def price_set(*, product: Product, channel: Channel, price_per_jin: Decimal, actor: Any) -> None:
    bounds.ensure(bounds.PRICE_PER_JIN, price_per_jin)
    ChannelPrice.objects.update_or_create(
        product=product, channel=channel, defaults={"price_per_jin": price_per_jin}
    )
    audit.record(actor=actor, action="sales.price.set", obj=product, note=channel.code)


def price_for(product_id: int, channel_code: str) -> Decimal:
    """The channel's price per jin for the product, else the product's own price."""
    channel_price = ChannelPrice.objects.filter(
        product_id=OuterRef("pk"), channel_id=channel_code
    ).values("price_per_jin")[:1]
    price: Decimal = (
        Product.objects.filter(pk=product_id)
        .values_list(Coalesce(Subquery(channel_price), F("price_per_jin")), flat=True)
        .get()
    )
    return price


def amount_for(grams: int, price_per_jin: Decimal) -> Decimal:
    return (price_per_jin * grams / GRAMS_PER_JIN).quantize(CENT, rounding=ROUND_HALF_UP)


# --- lots ---------------------------------------------------------------------


@transaction.atomic
def lot_create(
    *,
    village: Area,
    product: Product,
    harvest_date: dt.date,
    grams: int,
    actor: Any,
    grade: str = "",
    house: Any = None,
    harvest: Any = None,
    cost_per_jin: Decimal = Decimal(0),
    code: str = "",
) -> Lot:
    _require_edit(actor, village.path)
    if grams <= 0:
        raise ServiceError("批次重量必须大于零", code="invalid_weight")
    bounds.ensure(bounds.GRAMS, grams)
    bounds.ensure(bounds.check_past_date, harvest_date)
    bounds.ensure(bounds.PRICE_PER_JIN, cost_per_jin)
    shelf = product.shelf_life_days
    lot = Lot.objects.create(
        code=code or f"{harvest_date:%Y%m%d}-{product.code}-{secrets.token_hex(3)}",
        product=product,
        village=village,
        area_path=village.path,
        house=house,
        harvest=harvest,
        harvest_date=harvest_date,
        grade=grade or product.grade,
        grams_initial=grams,
        grams_available=grams,
        shelf_life_days=shelf,
        expires_on=harvest_date + dt.timedelta(days=shelf),
        cost_per_jin=cost_per_jin,
    )
    audit.record(actor=actor, action="sales.lot.create", obj=lot, area=village, note=lot.code)
    return lot


def lot_create_from_harvest(
    *, harvest: Any, product: Product, actor: Any, cost_per_jin: Decimal = Decimal(0)
) -> Lot:
    """A lot for one greenhouse harvest record (house, date, grade, grams)."""
    if Lot.objects.filter(harvest=harvest).exists():
        raise Conflict("该采收记录已入库", code="harvest_has_lot")
    village = harvest.house.park.village
    return lot_create(
        village=village,
        product=product,
        harvest_date=harvest.date,
        grams=harvest.grams,
        grade=harvest.grade,
        house=harvest.house,
        harvest=harvest,
        cost_per_jin=cost_per_jin,
        actor=actor,
    )


def _lock(lot_id: int, channel_code: str | None = None) -> tuple[Lot, list[ChannelQuota]]:
    """Lock the lot, then its quota rows (of one channel, or all) in primary-key order."""
    lot = Lot.objects.select_for_update().get(pk=lot_id)
    quotas = ChannelQuota.objects.select_for_update().filter(lot_id=lot_id).order_by("pk")
    if channel_code is not None:
        quotas = quotas.filter(channel_id=channel_code)
    return lot, list(quotas)


@transaction.atomic
def lot_adjust(*, lot: Lot, grams: int, reason: str, actor: Any) -> LotAdjustment:
    """Shrinkage (negative ``grams``) or a count correction; never below zero."""
    _require_edit(actor, lot.area_path)
    bounds.ensure(bounds.GRAMS, abs(grams) or 1)
    locked, _ = _lock(lot.pk)
    if locked.grams_available + grams < 0:
        raise Conflict("调整后库存为负", code="insufficient_stock")
    Lot.objects.filter(pk=lot.pk).update(grams_available=F("grams_available") + grams)
    row = LotAdjustment.objects.create(lot=lot, grams=grams, reason=reason, actor=actor)
    audit.record(actor=actor, action="sales.lot.adjust", obj=lot, note=f"{grams} {reason}")
    return row


@transaction.atomic
def quota_set(*, lot: Lot, channel: Channel, grams: int, actor: Any) -> ChannelQuota:
    """Set a channel's quota on a lot; what the channel already sold stays counted."""
    _require_edit(actor, lot.area_path)
    bounds.ensure(bounds.GRAMS, grams or 1)
    _lock(lot.pk)
    quota = ChannelQuota.objects.select_for_update().filter(lot=lot, channel=channel).first()
    if quota is None:
        quota = ChannelQuota.objects.create(
            lot=lot, channel=channel, grams_quota=grams, grams_remaining=grams
        )
    else:
        remaining = quota.grams_remaining + grams - quota.grams_quota
        if remaining < 0:
            raise Conflict("配额小于该渠道已售数量", code="quota_below_sold")
        quota.grams_quota, quota.grams_remaining = grams, remaining
        quota.save(update_fields=["grams_quota", "grams_remaining"])
    audit.record(actor=actor, action="sales.quota.set", obj=lot, note=f"{channel.code} {grams}")
    return quota


# --- orders -------------------------------------------------------------------


# The order path is the flash-sale hot path, so it is written as a few fixed,
# parameterised statements instead of ORM queries (whose compilation cost more
# CPU than the database work). One read gathers everything the order needs; one
# write statement (PostgreSQL) takes the lot's row lock with a conditional
# decrement, decrements the channel quota and inserts the order and its audit row,
# and commits on its own: the lock is held for that statement and its commit only.
_ORDER_CONTEXT_SQL = """
SELECT l.grams_available,
       l.area_path,
       (SELECT q.grams_remaining FROM sales_channelquota q
         WHERE q.lot_id = l.id AND q.channel_id = %(channel)s),
       COALESCE((SELECT cp.price_per_jin FROM sales_channelprice cp
                  WHERE cp.product_id = l.product_id AND cp.channel_id = %(channel)s),
                p.price_per_jin),
       (SELECT s.id FROM sales_livesession s
         WHERE s.lot_id = l.id AND s.opened_at IS NOT NULL AND s.closed_at IS NULL
         ORDER BY s.opened_at DESC, s.id DESC LIMIT 1),
       c.buyer_type,
       c.reserve_minutes,
       o.id,
       o.lot_id,
       o.request_fingerprint
  FROM sales_lot l
  JOIN sales_product p ON p.id = l.product_id
  LEFT JOIN sales_channel c ON c.code = %(channel)s
  LEFT JOIN sales_order o ON o.idempotency_key = %(key)s
 WHERE l.id = %(lot)s
"""
_TAKE_FROM_LOT_SQL = """
UPDATE sales_lot SET grams_available = grams_available - %(grams)s
 WHERE id = %(lot)s AND grams_available >= %(grams)s
"""
# No condition here: the CHECK constraint refuses a quota below zero (and a
# channel without a quota row on the lot matches nothing).
_TAKE_FROM_QUOTA_SQL = """
UPDATE sales_channelquota SET grams_remaining = grams_remaining - %(grams)s
 WHERE lot_id = %(lot)s AND channel_id = %(channel)s
"""


def _sold_out() -> Conflict:
    return Conflict("库存或渠道配额不足，已售罄", code="sold_out")


def _key_reused() -> Conflict:
    """A key already used for an order on another lot: refused, never answered with
    that order (it may be another village's)."""
    return Conflict("该 Idempotency-Key 已用于另一笔订单", code="idempotency_key_reused")


def _key_mismatch() -> Unprocessable:
    """The key's first order was for another quantity, channel or buyer (the IETF
    idempotency-key draft: 422 for a reused key with a different payload)."""
    return Unprocessable(
        gettext(
            "该 Idempotency-Key 已用于内容不同的请求（数量、渠道或买家不一致），请换用新的 Key"
        ),
        code="idempotency_key_mismatch",
    )


def order_fingerprint(
    *,
    lot_id: int,
    channel: str,
    grams: int,
    customer_id: int | None,
    group_id: int | None,
    deliver_on: dt.date | None,
) -> str:
    """What an order request asks for, hashed: equal requests, equal fingerprints,
    whatever the JSON spelling (1.5 and 1.50 jin are the same grams)."""
    text = f"{lot_id}|{channel}|{grams}|{customer_id}|{group_id}|{deliver_on}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _earlier_order(
    existing_id: int, existing_lot: int, fingerprint: str, lot_id: int, wanted: str
) -> Order:
    """The answer to a repeated key: 409 on another lot, 422 for another body, else the
    first order (an order from before fingerprints were kept is not compared)."""
    if existing_lot != lot_id:
        raise _key_reused()
    if fingerprint and fingerprint != wanted:
        raise _key_mismatch()
    return Order.objects.get(pk=existing_id)


def _placed_event(order: Order, actor: Any) -> AuditEvent:
    return audit.event(
        actor=actor,
        action="sales.order.place",
        obj=order,
        note=f"{order.channel_id} {order.grams}g",
    )


@dataclass(frozen=True)
class _OrderContext:
    grams_available: int
    area_path: str
    quota_left: int | None
    price_per_jin: Decimal
    session_id: int | None
    buyer_type: str
    reserve_minutes: int
    existing_id: int | None
    existing_lot_id: int | None
    existing_fingerprint: str | None = None


def _order_context(lot_id: int, channel_code: str, key: str) -> _OrderContext | None:
    """One read: stock, quota, price, open live session, channel and an earlier order
    under ``key``; ``None`` when the channel has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_CONTEXT_SQL, {"lot": lot_id, "channel": channel_code, "key": key})
        row = cursor.fetchone()
    if row is None:
        raise Lot.DoesNotExist(f"lot {lot_id}")
    if row[5] is None:
        return None
    # SQLite hands decimals back as floats: through str, two places, as the column holds.
    price = Decimal(str(row[3])).quantize(CENT)
    return _OrderContext(row[0], row[1], row[2], price, *row[4:10])


def order_place(
    *,
    lot: Lot | int,
    channel: Channel | str,
    grams: int,
    customer: Customer | None,
    idempotency_key: str,
    actor: Any,
    group: CommunityGroup | None = None,
    at: dt.datetime | None = None,
    price_per_jin: Decimal | None = None,
    deliver_on: dt.date | None = None,
    scope_user: Any = None,
) -> Order:
    """Reserve ``grams`` of ``lot`` for ``channel``; a repeated key returns the first order.

    With ``scope_user`` (the API), the lot is checked against that user's areas through
    ``core.access.check_row`` on the row this function reads anyway, so an unknown or
    invisible lot is a 404 and a lot the user may only view a 403. A key already used
    for an order on another lot is refused, never answered with that order."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise ServiceError("需要 Idempotency-Key（1–100 个字符）", code="idempotency_key")
    if grams <= 0:
        raise ServiceError("数量必须大于零", code="invalid_quantity")
    bounds.ensure(bounds.GRAMS, grams)
    code = channel.code if isinstance(channel, Channel) else channel
    lot_id = lot.pk if isinstance(lot, Lot) else lot
    try:
        if not 0 < lot_id <= bounds.BIGINT_MAX:  # the raw query below cannot bind it
            raise Lot.DoesNotExist(f"lot {lot_id}")
        context = _order_context(lot_id, code, idempotency_key)
        if context is None:  # first order of a registered channel: create its row, read again
            if scope_user is not None:  # a refused order leaves nothing, not even that row
                area = Lot.objects.filter(pk=lot_id).values_list("area_path", flat=True).first()
                if area is None:
                    raise Lot.DoesNotExist(f"lot {lot_id}")
                access.check_row(scope_user, MODULE, roles.EDIT, area)
            channel_get(code)
            context = _order_context(lot_id, code, idempotency_key)
            assert context is not None
    except Lot.DoesNotExist:
        if scope_user is None:
            raise
        raise Http404 from None
    if scope_user is not None:
        access.check_row(scope_user, MODULE, roles.EDIT, context.area_path)
    wanted = order_fingerprint(
        lot_id=lot_id,
        channel=code,
        grams=grams,
        customer_id=customer.pk if customer else None,
        group_id=group.pk if group else None,
        deliver_on=deliver_on,
    )
    if context.existing_id is not None:
        return _earlier_order(
            context.existing_id,
            context.existing_lot_id or 0,
            context.existing_fingerprint or "",
            lot_id,
            wanted,
        )
    # An unlocked, early sold-out answer; passing it proves nothing, the locked step decides.
    if context.grams_available < grams or (
        context.quota_left is not None and context.quota_left < grams
    ):
        raise _sold_out()
    at = at or timezone.now()
    price = price_per_jin if price_per_jin is not None else context.price_per_jin
    if price_per_jin is not None:  # a platform's or a caller's price, not the channel's
        bounds.ensure(bounds.PRICE_PER_JIN, price_per_jin)
    order = Order(
        idempotency_key=idempotency_key,
        request_fingerprint=wanted,
        lot_id=lot_id,
        channel_id=code,
        customer=customer,
        buyer_type=customer.buyer_type if customer else context.buyer_type,
        grams=grams,
        price_per_jin=price,
        amount=amount_for(grams, price),
        reserved_until=at + dt.timedelta(minutes=context.reserve_minutes),
        live_session_id=context.session_id if code == LIVESTREAM else None,
        group=group,
        pickup_code=f"{secrets.randbelow(10**6):06d}" if group is not None else "",
        deliver_on=deliver_on,
        area_path=context.area_path,
        created_at=at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        _order_insert_and_take(order, actor=actor)
    except IntegrityError:
        # A concurrent request with the same key won; its order is the answer.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _earlier_order(
            existing.pk, existing.lot_id, existing.request_fingerprint, lot_id, wanted
        )
    return order


def _order_insert_and_take(order: Order, *, actor: Any) -> None:
    """Take the grams from the lot and the channel's quota, insert the order and its
    audit row, atomically; ``Conflict("sold_out")`` when the lot or quota cannot cover
    it, ``IntegrityError`` when another order holds the key."""
    if connection.vendor != "postgresql":
        _order_write_in_transaction(order, actor=actor)
    elif connection.in_atomic_block:  # a caller's transaction: a savepoint around it
        with transaction.atomic():
            _order_write_one_statement(order, actor=actor)
    else:
        _order_write_one_statement(order, actor=actor)


def _order_write_one_statement(order: Order, *, actor: Any) -> None:
    """PostgreSQL: the whole write is one statement, and (outside a caller's transaction)
    its own transaction, so the lot's row lock is held only while the server runs that
    statement and flushes its commit: no round trip to Python, which on a busy server
    waits for a thread, while other buyers queue on the lock.

    The conditional decrement of the lot takes the lock first (the quota update and both
    inserts depend on its row: lot before quota, as everywhere here); sold out leaves it
    empty, so nothing else is written; the quota's CHECK refuses going below zero (the
    whole statement fails); a same-key order committed meanwhile fails the INSERT on the
    unique key."""
    columns, select, params = bulk.insert_select_parts(order, "order_")
    event = _placed_event(order, actor)
    a_columns, a_select, a_params = bulk.insert_select_parts(
        event, "event_", {"object_id": "CAST(placed.id AS varchar(64))"}
    )
    # Column lists and typed placeholders from the models; every value is a parameter.
    sql = f"""
WITH took AS ({_TAKE_FROM_LOT_SQL} RETURNING id),
     quota AS ({_TAKE_FROM_QUOTA_SQL} AND EXISTS (SELECT 1 FROM took) RETURNING id),
     placed AS (INSERT INTO sales_order ({columns}) SELECT {select} FROM took RETURNING id),
     audited AS (INSERT INTO {event._meta.db_table} ({a_columns}) SELECT {a_select} FROM placed
                 RETURNING id)
SELECT placed.id, (SELECT count(*) FROM quota), (SELECT id FROM audited) FROM placed
"""  # noqa: S608
    params.update(a_params, grams=order.grams, lot=order.lot_id, channel=str(order.channel_id))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError as exc:
        if getattr(exc.__cause__, "sqlstate", "") == "23514":  # the quota's CHECK
            raise _sold_out() from None
        raise  # the unique key: order_place answers with the other order
    if row is None:  # the lot's conditional decrement matched nothing
        raise _sold_out()
    order.pk = row[0]
    bulk.mark_saved(order)


@transaction.atomic
def _order_write_in_transaction(order: Order, *, actor: Any) -> None:
    """SQLite (its IMMEDIATE transactions serialise writers): insert the order and its
    audit row, then decrement the lot conditionally and the quota under its CHECK."""
    bulk.insert_one(order)
    bulk.insert_one(_placed_event(order, actor))
    params: dict[str, int | str] = {
        "grams": order.grams,
        "lot": order.lot_id,
        "channel": str(order.channel_id),
    }
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_FROM_LOT_SQL, params)
        if cursor.rowcount != 1:
            raise _sold_out()
        try:
            cursor.execute(_TAKE_FROM_QUOTA_SQL, params)
        except IntegrityError:  # the quota's CHECK: the channel's share is gone
            raise _sold_out() from None


def _release(order: Order) -> None:
    """Put an order's grams back on its lot and channel quota (caller holds the locks)."""
    Lot.objects.filter(pk=order.lot_id).update(grams_available=F("grams_available") + order.grams)
    ChannelQuota.objects.filter(lot_id=order.lot_id, channel_id=order.channel_id).update(
        grams_remaining=F("grams_remaining") + order.grams
    )


def _lock_order(order: Order) -> Order:
    _lock(order.lot_id, order.channel_id)
    return Order.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def order_pay(
    *, order: Order, method: str, reference: str, actor: Any, at: dt.datetime | None = None
) -> Order:
    """Record a payment made outside (WeChat, transfer, platform settlement); no gateway."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == Order.Status.PAID:
        return locked
    if locked.status != Order.Status.RESERVED:
        raise Conflict("该订单不能付款", code="not_reserved")
    at = at or timezone.now()
    locked.status = Order.Status.PAID
    locked.payment_method, locked.payment_reference, locked.paid_at = method, reference, at
    locked.reserved_until = None
    locked.save(
        update_fields=["status", "payment_method", "payment_reference", "paid_at", "reserved_until"]
    )
    _post(locked, LedgerEntry.Kind.REVENUE, locked.amount, at, f"订单 #{locked.pk}")
    audit.record(actor=actor, action="sales.order.pay", obj=locked, note=f"{method} {reference}")
    return locked


def _post(order: Order, kind: str, amount: Decimal, at: dt.datetime, note: str) -> None:
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
def order_cancel(*, order: Order, actor: Any, reason: str = "") -> Order:
    """Cancel an unpaid order and restock it."""
    _require_edit(actor, order.area_path)
    locked = _lock_order(order)
    if locked.status != Order.Status.RESERVED:
        raise Conflict("只能取消未付款的订单", code="not_reserved")
    _release(locked)
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit.record(actor=actor, action="sales.order.cancel", obj=locked, note=reason)
    return locked


@transaction.atomic
def order_refund(*, order: Order, actor: Any, reason: str = "", restock: bool = True) -> Order:
    """Refund a paid order: a negative ledger entry and, unless spoiled, the grams back."""
    _require_edit(actor, order.area_path)
    locked = _lock_order(order)
    if locked.status not in {Order.Status.PAID, Order.Status.DELIVERED}:
        raise Conflict("只能退款已付款的订单", code="not_paid")
    if restock:
        _release(locked)
    locked.status = Order.Status.REFUNDED
    locked.save(update_fields=["status"])
    _post(locked, LedgerEntry.Kind.REFUND, -locked.amount, timezone.now(), f"退款 #{locked.pk}")
    audit.record(actor=actor, action="sales.order.refund", obj=locked, note=reason)
    return locked


@transaction.atomic
def order_deliver(*, order: Order, actor: Any) -> Order:
    _require_edit(actor, order.area_path)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != Order.Status.PAID:
        raise Conflict("只能交付已付款的订单", code="not_paid")
    locked.status = Order.Status.DELIVERED
    locked.save(update_fields=["status"])
    audit.record(actor=actor, action="sales.order.deliver", obj=locked)
    return locked


@transaction.atomic
def pickup_verify(*, group: CommunityGroup, code: str, actor: Any) -> Order:
    """核销: the resident shows the code at the pickup point of the group that sold it."""
    if actor is not None:  # the service's own check; ``None`` is the system itself
        access.check_row(actor, MODULE, roles.EDIT, group.area_path)
    order = (
        Order.objects.select_for_update()
        .filter(group=group, pickup_code=code.strip(), picked_up_at__isnull=True)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .first()
    )
    if order is None:
        raise ServiceError("核销码无效或已使用", code="bad_pickup_code")
    order.picked_up_at = timezone.now()
    if order.status == Order.Status.PAID:
        order.status = Order.Status.DELIVERED
    order.save(update_fields=["picked_up_at", "status"])
    audit.record(actor=actor, action="sales.pickup.verify", obj=order, note=group.name)
    return order


def orders_expire(*, now: dt.datetime | None = None, actor: Any = None) -> int:
    """Cancel reserved orders whose reservation has run out, restocking each."""
    now = now or timezone.now()
    due = Order.objects.filter(status=Order.Status.RESERVED, reserved_until__lt=now)
    count = 0
    for order in due.order_by("pk").iterator():
        try:
            order_cancel(order=order, actor=actor, reason="预留超时")
            count += 1
        except Conflict:
            continue  # paid or cancelled meanwhile
    return count


# --- live-stream sessions -------------------------------------------------------


def live_session_open(
    *, lot: Lot, grams_quota: int, title: str, actor: Any, at: dt.datetime | None = None
) -> LiveSession:
    """Open a live-stream hour on ``lot`` with its own quota (the livestream channel quota)."""
    if len(title) > LiveSession._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ServiceError(gettext("标题过长"), code="title_too_long")
    channel = channel_get(LIVESTREAM)
    with transaction.atomic():
        if LiveSession.objects.filter(lot=lot, closed_at__isnull=True).exists():
            raise Conflict("该批次已有直播在进行", code="session_open")
        quota_set(lot=lot, channel=channel, grams=grams_quota, actor=actor)
        session = LiveSession.objects.create(
            title=title,
            lot=lot,
            channel=channel,
            grams_quota=grams_quota,
            opened_at=at or timezone.now(),
            area_path=lot.area_path,
        )
        audit.record(actor=actor, action="sales.live.open", obj=session, note=title)
    return session


@transaction.atomic
def live_session_close(
    *, session: LiveSession, actor: Any, at: dt.datetime | None = None
) -> LiveSession:
    _require_edit(actor, session.area_path)
    if session.closed_at is not None:
        return session
    session.closed_at = at or timezone.now()
    session.save(update_fields=["closed_at"])
    audit.record(actor=actor, action="sales.live.close", obj=session)
    return session


# --- customers, groups and the ledger ------------------------------------------


@transaction.atomic
def customer_create(*, village: Area, actor: Any, **fields: Any) -> Customer:
    _require_edit(actor, village.path)
    customer = Customer.objects.create(area_path=village.path, **fields)
    audit.record(actor=actor, action="sales.customer.create", obj=customer, area=village)
    return customer


@transaction.atomic
def group_create(*, village: Area, actor: Any, **fields: Any) -> CommunityGroup:
    _require_edit(actor, village.path)
    customer = customer_create(
        village=village,
        actor=actor,
        name=fields["name"],
        buyer_type="community",
        phone=fields.get("leader_phone", ""),
        address=fields["pickup_point"],
        lat=fields["lat"],
        lon=fields["lon"],
    )
    group = CommunityGroup.objects.create(area_path=village.path, customer=customer, **fields)
    audit.record(actor=actor, action="sales.group.create", obj=group, area=village)
    return group


@transaction.atomic
def ledger_post_cost(
    *, lot: Lot, amount: Decimal, note: str, actor: Any, at: dt.datetime | None = None
) -> LedgerEntry:
    """A cost of the collective (labour, packing, transport, platform fee) charged to a lot."""
    _require_edit(actor, lot.area_path)
    if amount <= 0:
        raise ServiceError("成本金额必须大于零", code="invalid_amount")
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


# --- delivery runs --------------------------------------------------------------


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
    _require_edit(actor, village.path)
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


# --- platform exports -------------------------------------------------------------


def platform_import(*, lot: Lot, channel: Channel, path: Path, actor: Any) -> dict[str, Any]:
    """Bring a platform's order/refund export into the lot ledger and reconcile it.

    Each platform order becomes one order (key ``<channel>:<platform id>``, so a
    re-import changes nothing), paid at the amount the platform charged; refunded
    rows refund it. Differences are reported: amounts that differ from our channel
    price, and our paid orders of that lot and channel absent from the export."""
    _require_edit(actor, lot.area_path)
    rows = platforms.read_export(path)
    expected_price = price_for(lot.product_id, channel.code)
    report: dict[str, Any] = {"created": 0, "refunded": 0, "unchanged": 0, "price_differences": []}
    seen = set()
    for row in rows:
        key = f"{channel.code}:{row.order_id}"
        seen.add(key)
        grams, amount = row.grams, row.amount
        price = (amount * GRAMS_PER_JIN / grams).quantize(CENT)
        order = order_place(
            lot=lot,
            channel=channel,
            grams=grams,
            customer=None,
            idempotency_key=key,
            actor=actor,
            at=row.time,
            price_per_jin=price,
        )
        if order.status == Order.Status.RESERVED:
            order = order_pay(order=order, method="platform", reference=row.order_id, actor=actor)
            report["created"] += 1
        elif row.status != "refunded":
            report["unchanged"] += 1
        if row.status == "refunded" and order.status != Order.Status.REFUNDED:
            order_refund(order=order, actor=actor, reason="平台退款")
            report["refunded"] += 1
        expected = amount_for(grams, expected_price)
        if expected != amount:
            report["price_differences"].append((row.order_id, str(expected), str(amount)))
    ours = Order.objects.filter(lot=lot, channel=channel, status__in=[Order.Status.PAID])
    report["missing_in_export"] = sorted(
        o.idempotency_key for o in ours if o.idempotency_key not in seen
    )
    audit.record(
        actor=actor, action="sales.platform.import", obj=lot, note=f"{channel.code} {path.name}"
    )
    return report


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
    that running the day again places nothing twice. The lot is chosen first expiring
    first (FEFO) among the product's lots that are harvested by the day and still
    good on it; a lot that sells out meanwhile (the locked step refuses it) gives way
    to the next. A standing order no lot can cover is skipped with its reason."""
    _require_edit(actor, village.path)
    run = StandingRun(date=date)
    for row in standing_orders_due(village=village, date=date):
        key = f"standing-{row.pk}-{date:%Y%m%d}"
        existing = Order.objects.filter(idempotency_key=key).first()
        if existing is not None:
            run.placed.append(existing)
            continue
        lots = Lot.objects.filter(
            product_id=row.product_id,
            area_path__startswith=village.path,
            harvest_date__lte=date,
            expires_on__gt=date,
        ).order_by("expires_on", "pk")
        order = None
        best = 0
        for lot in lots:
            best = max(best, lot.grams_available)
            if lot.grams_available < row.grams:
                continue
            try:
                order = order_place(
                    lot=lot,
                    channel="hotel",
                    grams=row.grams,
                    customer=row.customer,
                    idempotency_key=key,
                    actor=actor,
                    deliver_on=date,
                )
                break
            except Conflict:  # sold out (or the hotel quota is gone) since the read
                continue
        if order is not None:
            run.placed.append(order)
        elif not lots.exists():
            run.skipped.append((row, f"没有{date:%m月%d日}可用（未过期）的{row.product.name}批次"))
        else:
            run.skipped.append(
                (row, f"库存不足：需要 {jin(row.grams)} 斤，单个批次最多 {jin(best)} 斤")
            )
    audit.record(
        actor=actor,
        action="sales.standing.place",
        area=village,
        note=f"{date:%Y-%m-%d}: {len(run.placed)} 单, 跳过 {len(run.skipped)}",
    )
    return run
