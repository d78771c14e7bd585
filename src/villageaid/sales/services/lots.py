"""Lots: made of harvest records (fresh) or of fresh lots dried (dried), never holding
more than what they were made of. Stock is locked lot first, then its quota rows in
primary-key order (``select_for_update``; SQLite's IMMEDIATE transactions serialise
writers); the CHECK constraints (0 <= available <= initial) hold even if a check
here were wrong."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from villageaid.core import audit, bounds, units
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.sales.models import ChannelQuota, Lot, LotAdjustment, LotHarvest, Product
from villageaid.sales.services._base import require_edit

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
Kind = LotAdjustment.Kind


@cache
def catalogue() -> dict[str, Any]:
    """The product catalogue with shelf lives and their sources (sales/data/catalogue.json)."""
    data: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


def products_ensure() -> dict[str, Product]:
    """The catalogue's products, created when missing; shelf lives (and their source)
    always follow the catalogue, prices are the collective's to change."""
    data = catalogue()
    made = {}
    for row in data["products"]:
        shelf = data["shelf_life"][row["form"]]
        product, created = Product.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "form": row["form"],
                "grade": row["grade"],
                "price_per_jin": Decimal(row["price_per_jin"]),
                "shelf_life_days": shelf["days"],
                "shelf_life_source": shelf["source"],
            },
        )
        if not created and (product.shelf_life_days, product.shelf_life_source) != (
            shelf["days"],
            shelf["source"],
        ):
            product.shelf_life_days, product.shelf_life_source = shelf["days"], shelf["source"]
            product.save(update_fields=["shelf_life_days", "shelf_life_source"])
        made[product.code] = product
    return made


def product_for(form: str, grade: str) -> Product:
    """The catalogue's product of a form (fresh, dried) and grade."""
    for product in products_ensure().values():
        if product.form == form and product.grade == grade:
            return product
    raise ServiceError(_("目录中没有该等级的商品"), code="no_product")


def _new_lot(
    *,
    village: Area,
    product: Product,
    harvest_date: dt.date,
    grade: str,
    code: str,
    cost_per_jin: Decimal,
    source: Lot | None = None,
) -> Lot:
    """An empty lot (grams arrive with its harvests or from its source lot)."""
    bounds.ensure(bounds.check_past_date, harvest_date)
    bounds.ensure(bounds.PRICE_PER_JIN, cost_per_jin)
    return Lot.objects.create(
        code=code or f"{harvest_date:%Y%m%d}-{product.code}-{secrets.token_hex(3)}",
        product=product,
        village=village,
        area_path=village.path,
        source=source,
        public_token=secrets.token_urlsafe(16),
        harvest_date=harvest_date,
        grade=grade,
        grams_initial=0,
        grams_available=0,
        shelf_life_days=product.shelf_life_days,
        expires_on=harvest_date + dt.timedelta(days=product.shelf_life_days),
        cost_per_jin=cost_per_jin,
    )


def _take_in(lot: Lot, harvest: Any) -> None:
    """Add one harvest record (all its grams) to a locked lot; a record goes into one lot
    only (the unique key on ``LotHarvest.harvest`` decides a race)."""
    if harvest.house.park.village_id != lot.village_id or harvest.date != lot.harvest_date:
        raise ServiceError(_("采收记录与批次的村或日期不一致"), code="harvest_mismatch")
    if harvest.grade != lot.grade:
        raise ServiceError(_("采收记录与批次的等级不一致"), code="harvest_mismatch")
    try:
        with transaction.atomic():
            LotHarvest.objects.create(lot=lot, harvest=harvest, grams=harvest.grams)
    except IntegrityError:
        raise Conflict(_("该采收记录已入库"), code="harvest_has_lot") from None
    Lot.objects.filter(pk=lot.pk).update(
        grams_initial=F("grams_initial") + harvest.grams,
        grams_available=F("grams_available") + harvest.grams,
    )


@transaction.atomic
def lot_create(
    *,
    harvests: list[Any],
    actor: Any,
    product: Product | None = None,
    code: str = "",
    cost_per_jin: Decimal = Decimal(0),
) -> Lot:
    """A fresh lot made of harvest records of one village, day and grade (their grams,
    all of them); ``product`` defaults to the catalogue's fresh product of that grade."""
    if not harvests:
        raise ServiceError(_("批次至少要有一条采收记录"), code="no_harvest")
    require_edit(actor, harvests[0].house.park.village.path)
    return _lot_create(
        harvests=harvests, actor=actor, product=product, code=code, cost_per_jin=cost_per_jin
    )


def _lot_create(
    *, harvests: list[Any], actor: Any, product: Product | None, code: str, cost_per_jin: Decimal
) -> Lot:
    first = harvests[0]
    village = first.house.park.village
    product = product or product_for(Product.Form.FRESH, first.grade)
    if product.form != Product.Form.FRESH:
        raise ServiceError(_("采收入库只能入鲜品批次"), code="not_fresh")
    lot = _new_lot(
        village=village,
        product=product,
        harvest_date=first.date,
        grade=first.grade,
        code=code,
        cost_per_jin=cost_per_jin,
    )
    for harvest in harvests:
        _take_in(lot, harvest)
    lot.refresh_from_db()
    audit.record(actor=actor, action="sales.lot.create", obj=lot, area=village, note=lot.code)
    return lot


def day_lot_code(village: Area, day: dt.date, product: Product) -> str:
    return f"{day:%Y%m%d}-{product.code}-V{village.pk}"


def lot_create_from_harvest(*, harvest: Any, actor: Any) -> Lot:
    """A harvest record goes into its day's fresh lot of its grade in its village (created
    with the first record of that day and grade)."""
    require_edit(actor, harvest.house.park.village.path)
    return on_harvest_recorded(harvest=harvest, actor=actor)


@transaction.atomic
def on_harvest_recorded(*, harvest: Any, actor: Any) -> Lot:
    """The greenhouse's harvest hook (registered in SalesConfig.ready), inside the harvest's
    own transaction: whoever may record the harvest brings it into stock; a refusal
    here undoes the harvest record too."""
    village = harvest.house.park.village
    product = product_for(Product.Form.FRESH, harvest.grade)
    code = day_lot_code(village, harvest.date, product)
    lot = Lot.objects.select_for_update().filter(code=code).first()
    if lot is None:
        try:
            with transaction.atomic():
                return _lot_create(
                    harvests=[harvest],
                    product=product,
                    code=code,
                    actor=actor,
                    cost_per_jin=Decimal(0),
                )
        except IntegrityError:  # another record of that day made the lot meanwhile
            lot = Lot.objects.select_for_update().get(code=code)
    _take_in(lot, harvest)
    lot.refresh_from_db()
    audit.record(
        actor=actor,
        action="sales.lot.harvest",
        obj=lot,
        note=f"{lot.code} +{units.jin(harvest.grams)} 斤",
    )
    return lot


def lock(lot_id: int, channel_code: str | None = None) -> tuple[Lot, list[ChannelQuota]]:
    """Lock the lot, then its quota rows (of one channel, or all) in primary-key order."""
    lot = Lot.objects.select_for_update().get(pk=lot_id)
    quotas = ChannelQuota.objects.select_for_update().filter(lot_id=lot_id).order_by("pk")
    if channel_code is not None:
        quotas = quotas.filter(channel_id=channel_code)
    return lot, list(quotas)


@transaction.atomic
def lot_adjust(
    *, lot: Lot, grams: int, reason: str, actor: Any, kind: str = Kind.CORRECTION
) -> LotAdjustment:
    """Shrinkage (negative ``grams``: water loss, trimming, spoilage) or a count correction.
    Never below zero, and a positive correction only gives back what earlier adjustments
    took: a lot never holds more than its harvests."""
    require_edit(actor, lot.area_path)
    bounds.ensure(bounds.GRAMS, abs(grams) or 1)
    if kind not in Kind.values or (grams > 0 and kind != Kind.CORRECTION):
        raise ServiceError(_("只有盘点更正可以增加库存"), code="invalid_adjustment")
    if len(reason) > LotAdjustment._meta.get_field("reason").max_length:  # type: ignore[operator]
        raise ServiceError(_("原因过长"), code="reason_too_long")
    locked, _quotas = lock(lot.pk)
    if locked.grams_available + grams < 0:
        raise Conflict(_("调整后库存为负"), code="insufficient_stock")
    taken = LotAdjustment.objects.filter(lot=lot).aggregate(g=Sum("grams"))["g"] or 0
    if taken + grams > 0:
        raise Conflict(_("批次不能多于其采收重量"), code="above_harvest")
    Lot.objects.filter(pk=lot.pk).update(grams_available=F("grams_available") + grams)
    row = LotAdjustment.objects.create(lot=lot, kind=kind, grams=grams, reason=reason, actor=actor)
    audit.record(actor=actor, action="sales.lot.adjust", obj=lot, note=f"{kind} {grams} {reason}")
    return row


@transaction.atomic
def lot_dry(
    *,
    lot: Lot,
    fresh_grams: int,
    dried_grams: int,
    actor: Any,
    on: dt.date | None = None,
    code: str = "",
) -> Lot:
    """Dry ``fresh_grams`` of a fresh lot into a new dried lot of ``dried_grams`` (weighed
    after drying; never more than went in). The fresh lot records it as a drying
    adjustment; the dried lot keeps its source, and its own (long) shelf life."""
    if lot.product.form != Product.Form.FRESH:
        raise ServiceError(_("只有鲜品批次可以烘干"), code="not_fresh")
    bounds.ensure(bounds.GRAMS, dried_grams)
    if dried_grams > fresh_grams:
        raise ServiceError(_("干品重量不能超过所用鲜品重量"), code="dried_above_fresh")
    lot_adjust(lot=lot, grams=-fresh_grams, kind=Kind.DRYING, reason=_("烘干转干品"), actor=actor)
    product = product_for(Product.Form.DRIED, lot.grade)
    dried = _new_lot(
        village=lot.village,
        product=product,
        harvest_date=on or lot.harvest_date,
        grade=lot.grade,
        code=code,
        cost_per_jin=Decimal(0),
        source=lot,
    )
    Lot.objects.filter(pk=dried.pk).update(grams_initial=dried_grams, grams_available=dried_grams)
    dried.refresh_from_db()
    audit.record(
        actor=actor,
        action="sales.lot.dry",
        obj=dried,
        note=f"{lot.code} {units.jin(fresh_grams)} 斤 -> {units.jin(dried_grams)} 斤",
    )
    return dried


def lot_harvested_grams(lot: Lot) -> int:
    """What a lot was made of: its harvests' grams (fresh) or its drying weight (dried)."""
    if lot.source_id is not None:
        return lot.grams_initial
    return int(LotHarvest.objects.filter(lot=lot).aggregate(g=Sum("grams"))["g"] or 0)
