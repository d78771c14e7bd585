from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from villageaid.core import access, roles
from villageaid.core.paging import ApiPagination
from villageaid.registry import selectors

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
