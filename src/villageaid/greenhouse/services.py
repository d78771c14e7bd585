"""Writes to the greenhouse module. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from villageaid.core import audit
from villageaid.core.errors import ServiceError
from villageaid.greenhouse.models import Harvest, House

GRAMS_PER_JIN = 500


def harvest_record(
    *,
    house: House,
    date: dt.date,
    grams: int,
    grade: str = Harvest.Grade.A,
    picked_by: str = "",
    note: str = "",
    actor: Any = None,
) -> Harvest:
    """Record one pick; ``area_path`` is copied from the house's park."""
    if grams <= 0:
        raise ServiceError("采收重量必须大于零", code="harvest_weight")
    if grade not in Harvest.Grade.values:
        raise ServiceError(f"未知的等级: {grade}", code="harvest_grade")
    with transaction.atomic():
        harvest = Harvest.objects.create(
            house=house,
            date=date,
            grade=grade,
            grams=int(grams),
            picked_by=picked_by,
            note=note,
            area_path=house.park.area_path,
        )
        audit.record(
            actor=actor,
            action="greenhouse.harvest",
            obj=harvest,
            after={"house": house.pk, "date": date.isoformat(), "grade": grade, "grams": grams},
        )
    return harvest
