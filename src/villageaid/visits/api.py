import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from villageaid.core import access, bounds, roles
from villageaid.core.paging import ApiPagination
from villageaid.visits import selectors, services

router = Router(tags=["visits"])
MODULE = roles.Module.VISITS


class DueOut(Schema):
    id: int
    household_id: int
    household_code: str
    due_on: dt.date
    status: str
    reasons: str

    @staticmethod
    def resolve_household_code(obj: Any) -> str:
        return str(obj.household.code)


class VisitOut(Schema):
    id: int
    household_id: int
    visited_at: dt.datetime
    outcome: str
    members_met: list[int]
    checklist: dict[str, str]
    needs: str
    suggestions: str
    latitude: Decimal | None
    longitude: Decimal | None
    campaign_id: int | None

    @staticmethod
    def resolve_members_met(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["members_met"])
        return [m.pk for m in obj.members_met.all()]


class VisitIn(Schema):
    household: bounds.ApiId
    visited_at: bounds.PastDateTime
    outcome: Annotated[str, Field(max_length=16)] = "met"
    members_met: Annotated[list[bounds.ApiId], Field(max_length=50)] = []
    checklist: Annotated[
        dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=16)]],
        Field(max_length=50),
    ] = {}
    needs: Annotated[str, Field(max_length=2000)] = ""
    suggestions: Annotated[str, Field(max_length=2000)] = ""
    latitude: bounds.LatitudeIn | None = None
    longitude: bounds.LongitudeIn | None = None
    report: Annotated[str, Field(max_length=2000)] = ""
    # What the visit found, recorded as dated figures on the household (issue 19).
    working_members: Annotated[int, Field(ge=0, le=99)] | None = None
    ill_members: Annotated[int, Field(ge=0, le=99)] | None = None
    pupils: Annotated[int, Field(ge=0, le=99)] | None = None


class CampaignOut(Schema):
    id: int
    name: str
    area_id: str
    start: dt.date
    end: dt.date
    checklist: list[str]
    methods: list[str]
    sample_size: int
    sample_seed: str


class CampaignDetail(CampaignOut):
    summary: dict[str, int]


class SampleOut(Schema):
    id: int
    code: str
    household_type: str


class RankOut(Schema):
    id: int
    name: str
    village_id: str
    total: int


@router.get("/due", response=list[DueOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def due(request: HttpRequest, on: str = "") -> Any:
    """Open due visits up to ``on`` (YYYY-MM-DD, default today)."""
    try:
        day = dt.date.fromisoformat(on) if on else timezone.localdate()
    except ValueError as exc:
        raise HttpError(422, "on: YYYY-MM-DD") from exc
    rows = selectors.due_for(request.user, on=day)
    return rows.order_by("due_on")


@router.get("/visits", response=list[VisitOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def visits(request: HttpRequest) -> Any:
    return selectors.visits_for(request.user).prefetch_related("members_met")


@router.get("/visits/{visit_id}", response=VisitOut)
@access.access(MODULE)
def visit(request: HttpRequest, visit_id: int) -> Any:
    return selectors.visit_get(request.user, visit_id)


@router.post("/visits", response={200: VisitOut, 201: VisitOut})
@access.access(MODULE, roles.EDIT)
def visit_create(request: HttpRequest, payload: VisitIn) -> Status[Any]:
    """Record a visit; a repeated ``Idempotency-Key`` header returns the first record."""
    household = selectors.household_get(request.user, payload.household, roles.EDIT)
    row, created = services.visit_record(
        actor=request.user,
        household=household,
        visited_at=payload.visited_at,
        outcome=payload.outcome,
        members_met=payload.members_met,
        checklist=payload.checklist,
        needs=payload.needs,
        suggestions=payload.suggestions,
        latitude=payload.latitude,
        longitude=payload.longitude,
        tuopin_verified=household.household_type == "tuopin",
        idempotency_key=request.headers.get("Idempotency-Key") or None,
        answers={
            name: value
            for name in ("working_members", "ill_members", "pupils")
            if (value := getattr(payload, name)) is not None
        },
    )
    if created and payload.report:
        services.visit_report_difficulty(
            actor=request.user, household=household, description=payload.report, visit=row
        )
    return Status(201 if created else 200, row)


@router.get("/campaigns", response=list[CampaignOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def campaigns(request: HttpRequest) -> Any:
    return selectors.campaigns_for(request.user)


@router.get("/campaigns/{campaign_id}", response=CampaignDetail)
@access.access(MODULE)
def campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    row = selectors.campaign_get(request.user, campaign_id)
    data = {f: getattr(row, f) for f in CampaignOut.model_fields}
    return {**data, "summary": selectors.campaign_summary(row)}


@router.get("/campaigns/{campaign_id}/sample", response=list[SampleOut])
@paginate(ApiPagination, page_size=100)
@access.access(MODULE)
def campaign_sample(request: HttpRequest, campaign_id: int) -> Any:
    row = selectors.campaign_get(request.user, campaign_id)
    return selectors.campaign_households(request.user, row)


@router.get("/points/ranking", response=list[RankOut])
@paginate(ApiPagination, page_size=100)
@access.access(MODULE)
def points_ranking(request: HttpRequest, village: str = "") -> Any:
    return selectors.points_ranking(request.user, village=village)
