"""Small builders for sales tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from villageaid.core import units
from villageaid.greenhouse.models import Harvest, House, Park
from villageaid.sales import services
from villageaid.sales.models import Lot, Product


def product(code: str = "morel-a", price: str = "90.00", shelf: int = 7) -> Product:
    row, _ = Product.objects.get_or_create(
        code=code,
        defaults={
            "name": "鲜羊肚菌一级",
            "price_per_jin": Decimal(price),
            "shelf_life_days": shelf,
        },
    )
    return row


def house_in(area: Any, code: str = "h1") -> House:
    park, _ = Park.objects.get_or_create(
        code=f"park-{area.pk}",
        defaults={"name": f"{area.name}园区", "village": area, "area_path": area.path},
    )
    house, _ = House.objects.get_or_create(park=park, code=code, defaults={"name": f"{code}号棚"})
    return house


def harvest_in(area: Any, *, jin: int, day: dt.date | None = None, grade: str = "A") -> Harvest:
    """A harvest record written directly (no hooks): the lot is the test's to make."""
    house = house_in(area)
    day = day or timezone.localdate()
    return Harvest.objects.create(
        house=house, date=day, grade=grade, grams=units.grams_from_jin(jin), area_path=area.path
    )


def lot_in(area: Any, *, jin: int = 100, code: str = "", **kwargs: Any) -> Lot:
    """A fresh lot made of one harvest record of ``jin``."""
    made = kwargs.pop("product", None) or product()
    day = kwargs.pop("harvest_date", None) or timezone.localdate()
    harvest = harvest_in(area, jin=jin, day=day, grade=made.grade)
    return services.lot_create(harvests=[harvest], product=made, actor=None, code=code, **kwargs)
