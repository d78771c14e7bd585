from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from villageaid.core import access, roles
from villageaid.greenhouse import selectors

router = Router(tags=["greenhouse"])
MODULE = roles.Module.GREENHOUSE


class SensorLatestOut(Schema):
    id: int
    key: str
    unit: str
    position: str
    value: float | None
    ts: dt.datetime | None
    stale: bool


class HouseLatestOut(Schema):
    house: int
    park: str
    code: str
    at: dt.datetime
    sensors: list[SensorLatestOut]


@router.get("/houses/{house_id}/latest", response=HouseLatestOut)
@access.access(MODULE)
def house_latest(request: HttpRequest, house_id: int) -> dict[str, Any]:
    house = selectors.house_get(request.user, house_id)
    now = timezone.now()
    return {
        "house": house.pk,
        "park": house.park.code,
        "code": house.code,
        "at": now,
        "sensors": selectors.house_latest(house, now),
    }
