import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from villageaid.core import access, bounds, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.core.paging import ApiPagination
from villageaid.epidemic import selectors, services
from villageaid.epidemic.models import Checkpoint

router = Router(tags=["epidemic"])
MODULE = roles.Module.EPIDEMIC


class PassageOut(Schema):
    id: int
    checkpoint_id: int
    at: dt.datetime
    kind: str
    party: str
    direction: str
    temperature: Decimal | None
    decision: str
    health_code: str
    plate: str
    vehicle_disinfected: bool
    name: str
    phone: str
    id_masked: str


class PassageIn(Schema):
    checkpoint: bounds.ApiId
    party: Annotated[str, Field(max_length=16)]
    direction: Annotated[str, Field(max_length=8)]
    # The range (bounds.BODY_TEMPERATURE) is the service's: 400 "temperature_range".
    temperature: bounds.FiniteDecimal | None = None
    kind: Annotated[str, Field(max_length=16)] = "person"
    at: bounds.PastDateTime | None = None
    travel_history: Annotated[str, Field(max_length=200)] = ""
    health_code: Annotated[str, Field(max_length=8)] = ""
    plate: Annotated[str, Field(max_length=16)] = ""
    vehicle_disinfected: bool = False
    name: Annotated[str, Field(max_length=50)] = ""
    phone: Annotated[str, Field(max_length=11)] = ""
    client_token: Annotated[str, Field(max_length=40)] | None = None


class WorkerOut(Schema):
    id: int
    village_id: str
    name: str
    local_resident: bool
    no_outside_travel: bool
    no_contact_history: bool
    attestation_signed: bool
    eligible: bool
    excluded: bool
    excluded_reason: str


class FiguresOut(Schema):
    area: str
    start: dt.date
    end: dt.date
    figures: dict[str, int]


@router.get("/passages", response=list[PassageOut])
@paginate(ApiPagination, page_size=100)
@access.access(MODULE)
def passages(request: HttpRequest, day: dt.date | None = None) -> Any:
    return selectors.passages_for(request.user, day=day).order_by("-at")


@router.post("/passages", response={201: PassageOut})
@access.access(MODULE, roles.EDIT)
def passage_create(request: HttpRequest, payload: PassageIn) -> Status:
    data = payload.dict()
    checkpoint = selectors.get(Checkpoint, request.user, data.pop("checkpoint"), roles.EDIT)
    return Status(201, services.passage_record(checkpoint=checkpoint, actor=request.user, **data))


@router.get("/workers", response=list[WorkerOut])
@paginate(ApiPagination, page_size=100)
@access.access(MODULE)
def workers(request: HttpRequest) -> Any:
    return selectors.workers_for(request.user).order_by("name")


@router.get("/figures", response=FiguresOut)
@access.access(MODULE)
def figures(
    request: HttpRequest,
    area: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Masks handed out, passages, refusals, fevers and infections in an area and period."""
    end = end or timezone.localdate()
    start = start or end.replace(month=1, day=1)
    if area:
        place = access.get_for(
            Area.objects.all(), request.user, MODULE, area_path="path", code=area
        )
    else:
        first = access.visible_areas(request.user).order_by("path").first()
        if first is None:
            raise ServiceError("没有可查看的区域", code="no_area")
        place = first
    numbers = selectors.figures(area_path=place.path, start=start, end=end)
    return {"area": place.code, "start": start, "end": end, "figures": numbers}
