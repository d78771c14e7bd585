"""Orders: one write path for every channel (the API, pages, standing orders, platform
imports and the demo all call :func:`order_place`, or :func:`order_place_fefo` which picks
the lot first expiring first), then payment, cancellation, refund and delivery.

The order path is the flash-sale hot path. One read gathers everything the order needs
(stock, quota, price, open live session, expiry, an earlier order under the key); the
write is one short transaction: the order's row and its audit row are inserted first,
then the lot is decremented on condition (``remaining >= grams``) and the channel quota
under its CHECK, then commit. The lot's row lock is held only from that conditional
decrement to the commit: no audit work, no Python between."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, bulk, roles, units
from villageaid.core.errors import Conflict, ServiceError, Unprocessable
from villageaid.core.models import Area
from villageaid.sales import platforms
from villageaid.sales.models import (
    Channel,
    ChannelQuota,
    CommunityGroup,
    Customer,
    LedgerEntry,
    Lot,
    Order,
    Product,
)
from villageaid.sales.services._base import (
    LIVESTREAM,
    MODULE,
    lot_not_found,
    require_edit,
    sold_out,
)
from villageaid.sales.services.channels import channel_get, price_for
from villageaid.sales.services.ledger import ledger_post_order
from villageaid.sales.services.lots import lock

CENT = Decimal("0.01")
amount_for = units.amount

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
       o.request_fingerprint,
       l.expires_on
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


def _key_reused() -> Conflict:
    """A key already used for an order on another lot: refused, never answered with
    that order (it may be another village's)."""
    return Conflict(_("该 Idempotency-Key 已用于另一笔订单"), code="idempotency_key_reused")


def _key_mismatch() -> Unprocessable:
    """The key's first order was for another quantity, channel or buyer (the IETF
    idempotency-key draft: 422 for a reused key with a different payload)."""
    return Unprocessable(
        _("该 Idempotency-Key 已用于内容不同的请求（数量、渠道或买家不一致），请换用新的 Key"),
        code="idempotency_key_mismatch",
    )


def _expired(expires_on: dt.date) -> Conflict:
    day = formats.date_format(expires_on, "SHORT_DATE_FORMAT")
    return Conflict(
        _("该批次已于 %(day)s 过期，不能再下单，请选择其他批次") % {"day": day},
        code="lot_expired",
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
    existing_fingerprint: str | None
    expires_on: dt.date


def _order_context(lot_id: int, channel_code: str, key: str) -> _OrderContext | None:
    """One read: stock, quota, price, open live session, channel, expiry and an earlier
    order under ``key``; ``None`` when the channel has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_CONTEXT_SQL, {"lot": lot_id, "channel": channel_code, "key": key})
        row = cursor.fetchone()
    if row is None:
        raise Lot.DoesNotExist(f"lot {lot_id}")
    if row[5] is None:
        return None
    # SQLite hands decimals back as floats and dates as text.
    price = Decimal(str(row[3])).quantize(CENT)
    expires = row[10] if isinstance(row[10], dt.date) else dt.date.fromisoformat(str(row[10]))
    return _OrderContext(
        grams_available=row[0],
        area_path=row[1],
        quota_left=row[2],
        price_per_jin=price,
        session_id=row[4],
        buyer_type=row[5],
        reserve_minutes=row[6],
        existing_id=row[7],
        existing_lot_id=row[8],
        existing_fingerprint=row[9],
        expires_on=expires,
    )


def _context_for(lot_id: int, code: str, key: str, scope_user: Any) -> _OrderContext:
    """The order's context, creating a registered channel's row on its first order; an
    unknown or invisible lot is ``NotFound`` (404), a lot the user may only view 403."""
    try:
        if not 0 < lot_id <= bounds.BIGINT_MAX:  # the raw query below cannot bind it
            raise Lot.DoesNotExist(f"lot {lot_id}")
        context = _order_context(lot_id, code, key)
        if context is None:  # first order of a registered channel: create its row, read again
            if scope_user is not None:  # a refused order leaves nothing, not even that row
                area = Lot.objects.filter(pk=lot_id).values_list("area_path", flat=True).first()
                if area is None:
                    raise Lot.DoesNotExist(f"lot {lot_id}")
                access.check_row(scope_user, MODULE, roles.EDIT, area)
            channel_get(code)
            context = _order_context(lot_id, code, key)
            assert context is not None
    except Lot.DoesNotExist:
        raise lot_not_found() from None
    if scope_user is not None:
        access.check_row(scope_user, MODULE, roles.EDIT, context.area_path)
    return context


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

    With ``scope_user`` (the API and pages), the lot is checked against that user's areas
    through ``core.access.check_row`` on the row this function reads anyway. A lot past
    its expiry on the order's day (``deliver_on``, else the day of ``at``) refuses
    (``lot_expired``); a key already used for an order on another lot is refused, never
    answered with that order."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise ServiceError(_("需要 Idempotency-Key（1–100 个字符）"), code="idempotency_key")
    if grams <= 0:
        raise ServiceError(_("数量必须大于零"), code="invalid_quantity")
    bounds.ensure(bounds.GRAMS, grams)
    code = channel.code if isinstance(channel, Channel) else channel
    lot_id = lot.pk if isinstance(lot, Lot) else lot
    context = _context_for(lot_id, code, idempotency_key, scope_user)
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
    at = at or timezone.now()
    if (deliver_on or timezone.localtime(at).date()) >= context.expires_on:
        raise _expired(context.expires_on)
    # An unlocked, early sold-out answer; passing it proves nothing, the locked step decides.
    if context.grams_available < grams or (
        context.quota_left is not None and context.quota_left < grams
    ):
        raise sold_out()
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
        amount=units.amount(grams, price),
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
        _order_write(order, actor=actor)
    except IntegrityError:
        # A concurrent request with the same key won; its order is the answer.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _earlier_order(
            existing.pk, existing.lot_id, existing.request_fingerprint, lot_id, wanted
        )
    return order


# PostgreSQL takes from the lot and the quota in one statement (the lot's conditional
# decrement first, the quota's only if it took: lot before quota, as everywhere here), so
# the lot's row lock is held for that statement and the COMMIT only. SQLite (whose
# IMMEDIATE transactions serialise writers anyway, and which has no UPDATE in WITH) runs
# the same two updates one after the other.
_TAKE_BOTH_SQL = f"""
WITH took AS ({_TAKE_FROM_LOT_SQL} RETURNING id),
     quota AS ({_TAKE_FROM_QUOTA_SQL} AND EXISTS (SELECT 1 FROM took) RETURNING id)
SELECT count(*) FROM took
"""  # noqa: S608 - constant SQL, every value a parameter


def _take(cursor: Any, params: dict[str, int | str]) -> bool:
    """Take an order's grams from its lot and channel quota; False when the lot cannot
    cover it. The quota's CHECK raises ``IntegrityError`` when the channel's share is gone."""
    if connection.vendor == "postgresql":
        cursor.execute(_TAKE_BOTH_SQL, params)
        return bool(cursor.fetchone()[0])
    cursor.execute(_TAKE_FROM_LOT_SQL, params)
    if cursor.rowcount != 1:
        return False
    cursor.execute(_TAKE_FROM_QUOTA_SQL, params)
    return True


def _order_write(order: Order, *, actor: Any) -> None:
    """The one write of an order, on every database: insert the order and its audit row,
    then take the grams from the lot (on condition) and from the channel's quota (under
    its CHECK), and commit. ``sold_out`` leaves nothing; a same-key order committed
    meanwhile fails the INSERT on the unique key (``IntegrityError``)."""
    params: dict[str, int | str] = {
        "grams": order.grams,
        "lot": order.lot_id,
        "channel": str(order.channel_id),
    }
    with transaction.atomic():
        bulk.insert_one(order)
        bulk.insert_one(
            audit.event(
                actor=actor,
                action="sales.order.place",
                obj=order,
                note=f"{order.channel_id} {order.grams}g",
            )
        )
        with connection.cursor() as cursor:
            try:
                took = _take(cursor, params)  # the lot's row lock from here to the commit
            except IntegrityError:  # the quota's CHECK: the channel's share is gone
                raise sold_out() from None
            if not took:
                raise sold_out()


def lots_fefo(
    *,
    village: Area,
    product: Product,
    on: dt.date,
    good_on: dt.date | None = None,
    grams: int = 1,
) -> list[Lot]:
    """The product's lots in the village harvested by ``on`` (the order's day), still good
    on ``good_on`` (the delivery day, else ``on``) and holding ``grams``: first expiring
    first out (FEFO)."""
    return list(
        Lot.objects.filter(
            product=product,
            area_path__startswith=village.path,
            harvest_date__lte=on,
            expires_on__gt=good_on or on,
            grams_available__gte=grams,
        ).order_by("expires_on", "harvest_date", "pk")
    )


def _no_lot(village: Area, product: Product, on: dt.date, good_on: dt.date, grams: int) -> Conflict:
    """Why no lot could take an order: none good on the day, or none large enough."""
    good = lots_fefo(village=village, product=product, on=on, good_on=good_on)
    if not good:
        return Conflict(
            _("没有%(day)s可用（未过期）的%(product)s批次")
            % {"day": f"{good_on:%m月%d日}", "product": product.name},
            code="no_lot",
        )
    best = max(lot.grams_available for lot in good)
    return Conflict(
        _("库存不足：需要 %(need)s 斤，单个批次最多 %(best)s 斤")
        % {"need": units.jin(grams), "best": units.jin(best)},
        code="no_lot",
    )


def order_place_fefo(
    *,
    village: Area,
    product: Product,
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
    """An order for a product rather than a lot: the first-expiring lot that can cover it
    (and is good on the delivery day) takes it, the next one when it sold out meanwhile.
    A repeated key returns the first order; ``no_lot`` when no lot can cover it."""
    earlier = Order.objects.filter(idempotency_key=idempotency_key).select_related("lot").first()
    candidates: list[Lot | int]
    if earlier is not None:
        if earlier.lot.product_id != product.pk:
            raise _key_mismatch()
        candidates = [earlier.lot_id]
    # The order's day: when it is placed, else (a day's standing run) the delivery day.
    on = timezone.localtime(at).date() if at else (deliver_on or timezone.localdate())
    good_on = deliver_on or on
    if earlier is None:
        candidates = list(
            lots_fefo(village=village, product=product, on=on, good_on=good_on, grams=grams)
        )
    for lot in candidates:
        try:
            return order_place(
                lot=lot,
                channel=channel,
                grams=grams,
                customer=customer,
                idempotency_key=idempotency_key,
                actor=actor,
                group=group,
                at=at,
                price_per_jin=price_per_jin,
                deliver_on=deliver_on,
                scope_user=scope_user,
            )
        except Conflict as exc:
            if exc.code not in {"sold_out", "lot_expired"} or earlier is not None:
                raise
    raise _no_lot(village, product, on, good_on, grams)


def _release(order: Order) -> None:
    """Put an order's grams back on its lot and channel quota (caller holds the locks)."""
    Lot.objects.filter(pk=order.lot_id).update(grams_available=F("grams_available") + order.grams)
    ChannelQuota.objects.filter(lot_id=order.lot_id, channel_id=order.channel_id).update(
        grams_remaining=F("grams_remaining") + order.grams
    )


def _lock_order(order: Order) -> Order:
    lock(order.lot_id, order.channel_id)
    return Order.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def order_pay(
    *, order: Order, method: str, reference: str, actor: Any, at: dt.datetime | None = None
) -> Order:
    """Record a payment made outside (WeChat, transfer, platform settlement); no gateway."""
    require_edit(actor, order.area_path)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == Order.Status.PAID:
        return locked
    if locked.status != Order.Status.RESERVED:
        raise Conflict(_("该订单不能付款"), code="not_reserved")
    at = at or timezone.now()
    locked.status = Order.Status.PAID
    locked.payment_method, locked.payment_reference, locked.paid_at = method, reference, at
    locked.reserved_until = None
    locked.save(
        update_fields=["status", "payment_method", "payment_reference", "paid_at", "reserved_until"]
    )
    ledger_post_order(locked, LedgerEntry.Kind.REVENUE, locked.amount, at, f"订单 #{locked.pk}")
    audit.record(actor=actor, action="sales.order.pay", obj=locked, note=f"{method} {reference}")
    return locked


@transaction.atomic
def order_cancel(*, order: Order, actor: Any, reason: str = "") -> Order:
    """Cancel an unpaid order and restock it."""
    require_edit(actor, order.area_path)
    locked = _lock_order(order)
    if locked.status != Order.Status.RESERVED:
        raise Conflict(_("只能取消未付款的订单"), code="not_reserved")
    _release(locked)
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit.record(actor=actor, action="sales.order.cancel", obj=locked, note=reason)
    return locked


@transaction.atomic
def order_refund(*, order: Order, actor: Any, reason: str = "", restock: bool = True) -> Order:
    """Refund a paid order: a negative ledger entry and, unless spoiled, the grams back."""
    require_edit(actor, order.area_path)
    locked = _lock_order(order)
    if locked.status not in {Order.Status.PAID, Order.Status.DELIVERED}:
        raise Conflict(_("只能退款已付款的订单"), code="not_paid")
    if restock:
        _release(locked)
    locked.status = Order.Status.REFUNDED
    locked.save(update_fields=["status"])
    ledger_post_order(
        locked, LedgerEntry.Kind.REFUND, -locked.amount, timezone.now(), f"退款 #{locked.pk}"
    )
    audit.record(actor=actor, action="sales.order.refund", obj=locked, note=reason)
    return locked


@transaction.atomic
def order_deliver(*, order: Order, actor: Any) -> Order:
    require_edit(actor, order.area_path)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != Order.Status.PAID:
        raise Conflict(_("只能交付已付款的订单"), code="not_paid")
    locked.status = Order.Status.DELIVERED
    locked.save(update_fields=["status"])
    audit.record(actor=actor, action="sales.order.deliver", obj=locked)
    return locked


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


def platform_import(*, lot: Lot, channel: Channel, path: Path, actor: Any) -> dict[str, Any]:
    """Bring a platform's order/refund export into the lot ledger and reconcile it.

    Each platform order becomes one order (key ``<channel>:<platform id>``, so a
    re-import changes nothing), paid at the amount the platform charged; refunded
    rows refund it. Differences are reported: amounts that differ from our channel
    price, and our paid orders of that lot and channel absent from the export."""
    require_edit(actor, lot.area_path)
    rows = platforms.read_export(path)
    expected_price = price_for(lot.product_id, channel.code)
    report: dict[str, Any] = {"created": 0, "refunded": 0, "unchanged": 0, "price_differences": []}
    seen = set()
    for row in rows:
        key = f"{channel.code}:{row.order_id}"
        seen.add(key)
        grams, amount = row.grams, row.amount
        order = order_place(
            lot=lot,
            channel=channel,
            grams=grams,
            customer=None,
            idempotency_key=key,
            actor=actor,
            at=row.time,
            price_per_jin=units.price_per_jin(amount, grams),
        )
        if order.status == Order.Status.RESERVED:
            order = order_pay(order=order, method="platform", reference=row.order_id, actor=actor)
            report["created"] += 1
        elif row.status != "refunded":
            report["unchanged"] += 1
        if row.status == "refunded" and order.status != Order.Status.REFUNDED:
            order_refund(order=order, actor=actor, reason="平台退款")
            report["refunded"] += 1
        expected = units.amount(grams, expected_price)
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
