from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from villageaid.core import access, roles
from villageaid.core.paging import ApiPagination
from villageaid.registry import rosterscope, selectors, transfers
from villageaid.registry.models import HouseholdTransfer

router = Router(tags=["registry"])
MODULE = roles.Module.REGISTRY


class HouseholdOut(Schema):
    id: int
    code: str
    village_id: str
    household_type: str
    monitoring_status: str
    monitoring_category: str
    risk_types: str
    net_income_12m: Decimal
    member_count: int | None = None


class PersonOut(Schema):
    id_number: str
    name: str
    relationship: str
    sex: str
    birth_date: dt.date
    health: str
    labour: str
    school_stage: str
    medical_insurance: bool
    status: str


class HouseholdDetail(HouseholdOut):
    members: list[PersonOut]


@router.get("/households", response=list[HouseholdOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def households(
    request: HttpRequest, q: str = "", household_type: str = "", monitoring_status: str = ""
) -> Any:
    filters = {"household_type": household_type, "monitoring_status": monitoring_status}
    rows = selectors.household_search(request.user, query=q, filters=filters)
    return rows.order_by(*selectors.LIST_ORDER)  # the scope index's order, as on the page


@router.get("/households/{household_id}", response=HouseholdDetail)
@access.access(MODULE)
def household(request: HttpRequest, household_id: int) -> dict[str, Any]:
    row = selectors.household_get(request.user, household_id)
    members = [
        {
            **{f: getattr(p, f) for f in PersonOut.model_fields if f != "id_number"},
            "id_number": p.id_masked,
        }
        for p in row.members.all()
    ]
    data = {f: getattr(row, f) for f in HouseholdOut.model_fields if f != "member_count"}
    return {**data, "members": members}


# --- transfers between villages (registry.transfers) ------------------------------------------


class TransferOut(Schema):
    id: int
    household_code: str
    from_village_id: str | None
    to_village_id: str
    reason: str
    status: str


class TransferIn(Schema):
    village_code: str = Field(max_length=15)
    household_code: str = Field("", max_length=32)
    id_number: str = Field("", max_length=18)
    reason: str = Field(max_length=transfers.REASON_MAX)


class RejectIn(Schema):
    reason: str = Field(max_length=transfers.REASON_MAX)


def _transfer_out(user: Any, transfer: HouseholdTransfer) -> dict[str, Any]:
    """The village a household leaves is shown only to those who may see that village."""
    return {
        "id": transfer.pk,
        "household_code": transfer.household.code,
        "from_village_id": (
            transfer.from_village_id if access.in_area(user, transfer.from_village) else None
        ),
        "to_village_id": transfer.to_village_id,
        "reason": transfer.reason,
        "status": transfer.status,
    }


@router.get("/transfers", response=list[TransferOut])
@access.access(MODULE)
def transfer_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_transfer_out(request.user, t) for t in transfers.transfers_for(request.user)[:200]]


@router.post("/transfers", response={201: TransferOut})
@access.access(MODULE, roles.EDIT)
def transfer_request(request: HttpRequest, body: TransferIn) -> Status:
    village = get_object_or_404(rosterscope.editable_villages(request.user), code=body.village_code)
    transfer = transfers.transfer_request(
        actor=request.user,
        to_village=village,
        household_code=body.household_code,
        id_number=body.id_number,
        reason=body.reason,
    )
    return Status(201, _transfer_out(request.user, transfer))


@router.post("/transfers/{transfer_id}/approve", response=TransferOut)
@access.access(MODULE, roles.APPROVE)
def transfer_approve(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    transfer = transfers.transfer_get(request.user, transfer_id)
    return _transfer_out(
        request.user, transfers.transfer_approve(actor=request.user, transfer=transfer)
    )


@router.post("/transfers/{transfer_id}/reject", response=TransferOut)
@access.access(MODULE, roles.APPROVE)
def transfer_reject(request: HttpRequest, transfer_id: int, body: RejectIn) -> dict[str, Any]:
    transfer = transfers.transfer_get(request.user, transfer_id)
    rejected = transfers.transfer_reject(actor=request.user, transfer=transfer, reason=body.reason)
    return _transfer_out(request.user, rejected)
