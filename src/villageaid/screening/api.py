from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from villageaid.core import access, bounds, roles
from villageaid.core.paging import ApiPagination
from villageaid.screening import selectors

router = Router(tags=["screening"])
MODULE = roles.Module.SCREENING


class RunOut(Schema):
    id: int
    as_of: dt.date
    engine: str
    status: str
    catalogue_version: str
    counts: dict[str, int]
    skipped: dict[str, str]
    checksums: dict[str, str]
    clue_count: int
    pushed_count: int
    duration_seconds: float
    peak_memory_bytes: int


class ClueOut(Schema):
    id: int
    run_id: int
    rule_code: str
    kind: str
    household_id: int
    household_code: str
    risk_type: str
    severity: str
    status: str
    fingerprint: str
    case_id: int | None = None

    @staticmethod
    def resolve_household_code(obj: Any) -> str:
        return str(obj.household.code)


class ClueDetail(ClueOut):
    evidence: list[dict[str, Any]]


@router.get("/runs", response=list[RunOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def runs(request: HttpRequest) -> Any:
    return selectors.runs_for(request.user)


@router.get("/runs/{run_id}", response=RunOut)
@access.access(MODULE)
def run(request: HttpRequest, run_id: int) -> Any:
    return selectors.run_get(request.user, run_id)


@router.get("/clues", response=list[ClueOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def clues(
    request: HttpRequest, run: bounds.QueryId | None = None, status: str = "", rule: str = ""
) -> Any:
    rows = selectors.clues_for(request.user)
    if run is not None:
        rows = rows.filter(run_id=run)
    if status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule_code=rule)
    return rows.order_by("-created_at", "rule_code", "pk")


@router.get("/clues/{clue_id}", response=ClueDetail)
@access.access(MODULE)
def clue(request: HttpRequest, clue_id: int) -> Any:
    return selectors.clue_get(request.user, clue_id)
