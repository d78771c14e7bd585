"""Small builders for sales tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

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


def lot_in(area: Any, *, jin: int = 100, code: str = "", **kwargs: Any) -> Lot:
    return services.lot_create(
        village=area,
        product=kwargs.pop("product", None) or product(),
        harvest_date=kwargs.pop("harvest_date", dt.date(2020, 4, 8)),
        grams=jin * 500,
        actor=None,
        code=code,
        **kwargs,
    )
