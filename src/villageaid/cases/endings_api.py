# No "from __future__ import annotations": ninja resolves the body schema from the
# wrapped view's annotations, which must be real classes, not strings.
"""API for the four clue endings and the correction procedure (on the cases router;
``cases.api`` imports this module last)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from villageaid.cases import endings_selectors as selectors
from villageaid.cases import services
from villageaid.cases.api import router
from villageaid.cases.endings import ClueEnding, Correction
from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.core.paging import ApiPagination
from villageaid.registry import selectors as registry_selectors

MODULE = roles.Module.CASES


class OpenClueOut(Schema):
    id: int
    rule_code: str
    kind: str
    household_code: str
    age_days: int
    overdue: bool


class EndingIn(Schema):
    ending: str = Field(pattern="^(opened|joined|correction)$")


class EndingOut(Schema):
    id: int
    clue: int
    ending: str
    case: int | None
    correction: int | None
    sampled: bool
    review: str


class ReviewIn(Schema):
    confirm: bool
    note: str = Field(default="", max_length=2000)


class NoRiskIn(Schema):
    verified_on: dt.date
    reason: str = Field(max_length=2000)


class CorrectionIn(Schema):
    household_code: str = Field(max_length=32)
    field: str = Field(max_length=20)
    new_value: str = Field(max_length=200)
    reason: str = Field(max_length=2000)
    person: int | None = Field(default=None, gt=0, lt=2**63)
    task: int | None = Field(default=None, gt=0, lt=2**63)


class DecisionIn(Schema):
    approve: bool
    note: str = Field(default="", max_length=2000)


class CorrectionOut(Schema):
    id: int
    household_code: str
    field: str
    old_value: str
    new_value: str
    status: str
    reason: str
    decided_on: dt.date | None


def _ending(row: ClueEnding) -> dict[str, Any]:
    return {
        "id": row.pk,
        "clue": row.clue_id,
        "ending": row.ending,
        "case": row.case_id,
        "correction": row.correction_id,
        "sampled": row.sampled,
        "review": row.review,
    }


def _correction(row: Correction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "household_code": row.household.code,
        "field": row.field,
        "old_value": row.old_value,
        "new_value": row.new_value,
        "status": row.status,
        "reason": row.reason,
        "decided_on": row.decided_on,
    }


@router.get("/clues/open", response=list[OpenClueOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def open_clues(request: HttpRequest) -> Any:
    rows = selectors.open_clues_for(request.user, roles.VIEW).order_by("created_at", "pk")
    return [
        {
            "id": c.pk,
            "rule_code": c.rule_code,
            "kind": c.kind,
            "household_code": c.household.code,
            "age_days": c.age,  # type: ignore[attr-defined]
            "overdue": c.overdue,  # type: ignore[attr-defined]
        }
        for c in selectors.with_ages(rows)
    ]


@router.get("/clues/ages", response=list[dict[str, Any]])
@access.access(MODULE)
def clue_ages(request: HttpRequest) -> Any:
    return selectors.clue_ages(request.user)


ACTIONS = {
    "opened": services.clue_open_case,
    "joined": services.clue_join,
    "correction": services.clue_to_correction,
}


@router.post("/clues/{clue_id}/endings", response={201: EndingOut})
@access.access(MODULE, roles.EDIT)
def clue_end(request: HttpRequest, clue_id: int, body: EndingIn) -> Any:
    clue = selectors.clue_for(request.user, clue_id)
    return Status(201, _ending(ACTIONS[body.ending](clue=clue, actor=request.user)))


@router.post("/clues/{clue_id}/no-risk", response={201: EndingOut})
@access.access(MODULE, roles.EDIT)
def clue_no_risk(
    request: HttpRequest, clue_id: int, body: Form[NoRiskIn], evidence: File[UploadedFile]
) -> Any:
    clue = selectors.clue_for(request.user, clue_id)
    row = services.clue_close_no_risk(
        clue=clue,
        actor=request.user,
        verified_on=body.verified_on,
        reason=body.reason,
        evidence=evidence,
    )
    return Status(201, _ending(row))


@router.post("/clue-endings/{ending_id}/review", response=EndingOut)
@access.access(MODULE, roles.EDIT)
def clue_review(request: HttpRequest, ending_id: int, body: ReviewIn) -> Any:
    ending = selectors.ending_for(request.user, ending_id)
    row = services.clue_review(
        ending=ending,
        actor=request.user,
        confirm=body.confirm,
        note=body.note,
        on=timezone.localdate(),
    )
    return _ending(row)


@router.get("/corrections", response=list[CorrectionOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def corrections(request: HttpRequest) -> Any:
    return [_correction(r) for r in selectors.corrections_for(request.user).order_by("-pk")]


@router.post("/corrections", response={201: CorrectionOut})
@access.access(MODULE, roles.EDIT)
def correction_request(
    request: HttpRequest, body: Form[CorrectionIn], attachment: File[UploadedFile]
) -> Any:
    households = registry_selectors.households_for(request.user, roles.VIEW)
    household = households.filter(code=body.household_code).first()
    if household is None:
        raise ServiceError("找不到该户，或不在你的区域", code="not_found")
    task = selectors.correction_for(request.user, body.task) if body.task else None
    person = household.members.filter(pk=body.person).first() if body.person else None
    row = services.correction_request(
        household=household,
        actor=request.user,
        field=body.field,
        new_value=body.new_value,
        reason=body.reason,
        attachment=attachment,
        on=timezone.localdate(),
        person=person,
        task=task,
    )
    return Status(201, _correction(row))


@router.post("/corrections/{correction_id}/decision", response=CorrectionOut)
@access.access(MODULE, roles.EDIT)
def correction_decide(request: HttpRequest, correction_id: int, body: DecisionIn) -> Any:
    row = selectors.correction_for(request.user, correction_id)
    decided = services.correction_decide(
        correction=row,
        actor=request.user,
        approve=body.approve,
        note=body.note,
        on=timezone.localdate(),
    )
    return _correction(decided)
