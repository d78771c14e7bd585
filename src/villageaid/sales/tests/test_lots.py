"""Harvest -> lot, shrinkage, drying, freshness (expiry, FEFO) and the lot's pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core import units
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.roles import Role
from villageaid.greenhouse import services as greenhouse
from villageaid.greenhouse.models import Harvest
from villageaid.sales import services
from villageaid.sales.models import Lot, LotAdjustment, Order, Product
from villageaid.sales.tests.factories import house_in, lot_in

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


def _pick(
    area: Any, jin: int, grade: str = "A", day: dt.date | None = None, code: str = "h1"
) -> Harvest:
    return greenhouse.harvest_record(
        house=house_in(area, code), date=day or timezone.localdate(), grams=jin * 500, grade=grade
    )


def test_harvest_records_become_their_days_lot_and_it_holds_exactly_them(areas: Any) -> None:
    village = areas["village"]
    first = _pick(village, 30, code="h1")
    second = _pick(village, 12, code="h2")
    other_grade = _pick(village, 5, grade="B")
    lot = Lot.objects.get(pk=first.lot_entry.lot_id)
    assert second.lot_entry.lot == lot and other_grade.lot_entry.lot != lot
    assert (lot.grams_initial, lot.grams_available) == (units.grams_from_jin(42),) * 2
    assert lot.product.code == "morel-fresh-a" and lot.product.form == Product.Form.FRESH
    assert services.lot_harvested_grams(lot) == lot.grams_initial
    with pytest.raises(Conflict) as caught:
        services.lot_create_from_harvest(harvest=first, actor=None)
    assert caught.value.code == "harvest_has_lot"
    lot.refresh_from_db()
    assert lot.grams_initial == units.grams_from_jin(42)


def test_a_refused_harvest_leaves_neither_record_nor_lot(areas: Any) -> None:
    fake = SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(ServiceError) as caught:
        greenhouse.harvest_record(
            house=house_in(areas["village"]), date=TODAY(), grams=500, photo=fake
        )
    assert caught.value.code == "photo_type"
    assert not Harvest.objects.exists() and not Lot.objects.exists()


def test_shrinkage_is_audited_and_a_lot_never_holds_more_than_its_harvests(areas: Any) -> None:
    lot = _pick(areas["village"], 10).lot_entry.lot
    services.lot_adjust(
        lot=lot, grams=-300, kind=LotAdjustment.Kind.WATER_LOSS, reason="失水", actor=None
    )
    services.lot_adjust(lot=lot, grams=200, reason="复称", actor=None)
    with pytest.raises(Conflict) as caught:
        services.lot_adjust(lot=lot, grams=101, reason="多报", actor=None)
    assert caught.value.code == "above_harvest"
    with pytest.raises(ServiceError):  # only a correction may add
        services.lot_adjust(
            lot=lot, grams=50, kind=LotAdjustment.Kind.TRIMMING, reason="x", actor=None
        )
    lot.refresh_from_db()
    assert lot.grams_available == 5000 - 100 and lot.adjustments.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # the CHECK under the service
        Lot.objects.filter(pk=lot.pk).update(grams_available=lot.grams_initial + 1)


def test_drying_makes_a_dried_lot_with_its_own_shelf_life(areas: Any) -> None:
    fresh = _pick(areas["village"], 90).lot_entry.lot
    dried = services.lot_dry(lot=fresh, fresh_grams=45_000, dried_grams=5_000, actor=None)
    fresh.refresh_from_db()
    assert fresh.grams_available == 0 and dried.source == fresh
    assert dried.product.form == Product.Form.DRIED
    shelf = services.catalogue()["shelf_life"]
    assert (fresh.shelf_life_days, dried.shelf_life_days) == (
        shelf["fresh"]["days"],
        shelf["dried"]["days"],
    )
    assert dried.shelf_life_days > fresh.shelf_life_days and dried.product.shelf_life_source
    with pytest.raises(ServiceError):
        services.lot_dry(lot=dried, fresh_grams=10, dried_grams=1, actor=None)


def test_an_expired_lot_refuses_new_orders_with_its_message(areas: Any) -> None:
    lot = lot_in(areas["village"], jin=10, harvest_date=TODAY() - dt.timedelta(days=7))
    with pytest.raises(Conflict) as caught:
        services.order_place(
            lot=lot, channel="walk_in", grams=500, customer=None, idempotency_key="e", actor=None
        )
    assert caught.value.code == "lot_expired" and "过期" in caught.value.message
    assert not Order.objects.exists()


def test_fefo_takes_the_first_expiring_lot_that_covers_the_order(areas: Any) -> None:
    village = areas["village"]
    old = lot_in(village, jin=2, harvest_date=TODAY() - dt.timedelta(days=3))
    sooner = lot_in(village, jin=20, harvest_date=TODAY() - dt.timedelta(days=2))
    later = lot_in(village, jin=20, harvest_date=TODAY())
    lot_in(village, jin=50, harvest_date=TODAY() - dt.timedelta(days=9))  # expired
    order = services.order_place_fefo(
        village=village,
        product=sooner.product,
        channel="walk_in",
        grams=units.grams_from_jin(5),
        customer=None,
        idempotency_key="f1",
        actor=None,
    )
    assert order.lot_id == sooner.pk and later.orders.count() == 0 and old.orders.count() == 0
    again = services.order_place_fefo(
        village=village,
        product=sooner.product,
        channel="walk_in",
        grams=units.grams_from_jin(5),
        customer=None,
        idempotency_key="f1",
        actor=None,
    )
    assert again.pk == order.pk
    with pytest.raises(Conflict) as caught:
        services.order_place_fefo(
            village=village,
            product=sooner.product,
            channel="walk_in",
            grams=units.grams_from_jin(100),
            customer=None,
            idempotency_key="f2",
            actor=None,
        )
    assert caught.value.code == "no_lot" and "库存不足" in caught.value.message


def test_units_convert_in_one_place() -> None:
    assert units.grams_from_jin("1.5") == 750 and units.grams_from("3", "liang") == 150
    assert units.jin(1234) == Decimal("2.47") and units.liang(75) == Decimal("1.5")
    assert units.weight_label(150, small_in_liang=True) == "3 两"
    assert units.amount(750, Decimal("90")) == Decimal("135.00")
    with pytest.raises(units.UnitError):
        units.grams_from_jin("1.0001", exact=True)
    with pytest.raises(units.UnitError):
        units.grams_from_jin("nan")


def test_a_harvest_entered_on_the_page_becomes_a_lot_an_order_draws_from(
    areas: Any, make_user: Any
) -> None:
    house = house_in(areas["village"])
    tech = client_for(make_user(Role.TECH))
    page = tech.get("/greenhouse/harvests/").content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page  # the date defaults to today
    assert house.name in page and f">{house.park_id}/{house.code}<" not in page
    png = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    response = tech.post(
        "/greenhouse/harvests/",
        {"house": house.pk, "date": TODAY().isoformat(), "grade": "A", "jin": "12.5", "photo": png},
    )
    assert response.status_code == 302
    harvest = Harvest.objects.get()
    lot = harvest.lot_entry.lot
    assert lot.grams_initial == 6250 and harvest.photo.name.endswith(".png")
    customer = services.customer_create(village=areas["village"], actor=None, name="张三饭店")
    services.order_place(
        lot=lot, channel="walk_in", grams=1000, customer=customer, idempotency_key="p", actor=None
    )
    sales = client_for(make_user(Role.SALES))
    detail = sales.get(f"/sales/lots/{lot.pk}/").content.decode()
    assert house.name in detail and "张三饭店" in detail and "2.00" in detail
    listing = sales.get("/sales/lots/").content.decode()
    assert f"还剩 {lot.days_left()} 天" in listing
    label = sales.get(f"/sales/lots/{lot.pk}/label/").content.decode()
    assert "<svg" in label and "qrline" in label
    public = Client().get(f"/sales/p/lot/{lot.public_token}/")
    text = public.content.decode()
    assert public.status_code == 200 and house.name in text
    assert "张三饭店" not in text and "采摘人" not in text
