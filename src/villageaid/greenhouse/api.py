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


class IngestOut(Schema):
    messages: int
    readings: int
    invalid: int
    unmapped: int
    future: int


@router.post("/houses/{house_id}/telemetry", response=IngestOut)
@access.access(MODULE, roles.EDIT)
def house_telemetry(request: HttpRequest, house_id: int) -> dict[str, int]:
    """For gateways that post instead of publishing: the platform JSON of INTERFACES 4.1
    as the request body, through the same ingestion service as ``mqtt-listen``."""
    from villageaid.core.errors import ServiceError
    from villageaid.greenhouse.ingest import Message, readings_ingest

    house = selectors.house_get(request.user, house_id, roles.EDIT)
    topic = f"villageaid/{house.park.code}/{house.code}/telemetry"
    counts = readings_ingest(
        messages=[Message(topic=topic, payload=request.body, received_at=timezone.now())]
    )
    if counts["invalid"]:
        raise ServiceError("无效的遥测数据（应为平台 JSON）", code="invalid_payload")
    return {key: counts[key] for key in ("messages", "readings", "invalid", "unmapped", "future")}
