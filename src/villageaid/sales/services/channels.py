"""Channels (the registry's rows), their prices and quotas on lots, live-stream hours,
customers and community groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import audit, bounds
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.sales.channels import CHANNELS
from villageaid.sales.models import (
    Channel,
    ChannelPrice,
    ChannelQuota,
    CommunityGroup,
    Customer,
    LiveSession,
    Lot,
    Product,
)
from villageaid.sales.services._base import LIVESTREAM, require_edit
from villageaid.sales.services.lots import lock


def channel_get(code: str) -> Channel:
    """The channel row for a registered code (created from the registry on first use)."""
    spec = CHANNELS.get(code)
    if spec is None:
        raise ServiceError(_("未知的销售渠道：%(code)s") % {"code": code}, code="unknown_channel")
    channel, _created = Channel.objects.get_or_create(
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


@transaction.atomic
def quota_set(*, lot: Lot, channel: Channel, grams: int, actor: Any) -> ChannelQuota:
    """Set a channel's quota on a lot; what the channel already sold stays counted."""
    require_edit(actor, lot.area_path)
    bounds.ensure(bounds.GRAMS, grams or 1)
    lock(lot.pk)
    quota = ChannelQuota.objects.select_for_update().filter(lot=lot, channel=channel).first()
    if quota is None:
        quota = ChannelQuota.objects.create(
            lot=lot, channel=channel, grams_quota=grams, grams_remaining=grams
        )
    else:
        remaining = quota.grams_remaining + grams - quota.grams_quota
        if remaining < 0:
            raise Conflict(_("配额小于该渠道已售数量"), code="quota_below_sold")
        quota.grams_quota, quota.grams_remaining = grams, remaining
        quota.save(update_fields=["grams_quota", "grams_remaining"])
    audit.record(actor=actor, action="sales.quota.set", obj=lot, note=f"{channel.code} {grams}")
    return quota


def live_session_open(
    *, lot: Lot, grams_quota: int, title: str, actor: Any, at: dt.datetime | None = None
) -> LiveSession:
    """Open a live-stream hour on ``lot`` with its own quota (the livestream channel quota)."""
    if len(title) > LiveSession._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ServiceError(_("标题过长"), code="title_too_long")
    channel = channel_get(LIVESTREAM)
    with transaction.atomic():
        if LiveSession.objects.filter(lot=lot, closed_at__isnull=True).exists():
            raise Conflict(_("该批次已有直播在进行"), code="session_open")
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
    require_edit(actor, session.area_path)
    if session.closed_at is not None:
        return session
    session.closed_at = at or timezone.now()
    session.save(update_fields=["closed_at"])
    audit.record(actor=actor, action="sales.live.close", obj=session)
    return session


@transaction.atomic
def customer_create(*, village: Area, actor: Any, **fields: Any) -> Customer:
    require_edit(actor, village.path)
    customer = Customer.objects.create(area_path=village.path, **fields)
    audit.record(actor=actor, action="sales.customer.create", obj=customer, area=village)
    return customer


@transaction.atomic
def group_create(*, village: Area, actor: Any, **fields: Any) -> CommunityGroup:
    require_edit(actor, village.path)
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
