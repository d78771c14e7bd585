# No "from __future__ import annotations": ninja resolves the body schema from the
# wrapped view's annotations, which must be real classes, not strings.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from villageaid.cases import selectors, services
from villageaid.core import access, bounds, roles
from villageaid.core.paging import ApiPagination

router = Router(tags=["cases"])
MODULE = roles.Module.CASES


class CaseOut(Schema):
    id: int
    household_code: str
    village_code: str
    kind: str
    source: str
    status: str
    step: str | None
    opened_on: dt.date
    deadline: dt.date | None
    days_left: int | None
    overdue: bool
    category: str
    risk_types: str
    decided_on: dt.date | None


class TransitionOut(Schema):
    step: str
    decision: str
    reason: str
    actor: str | None
    on: dt.date
    data: dict[str, Any]


class CaseDetail(CaseOut):
    transitions: list[TransitionOut]
    actionable_steps: list[str]


class TransitionIn(Schema):
    decision: str
    step: str = ""
    reason: str = ""
    on: bounds.PastDate | None = None
    data: dict[str, Any] = {}


class NoticeRow(Schema):
    name: str
    group: str
    category: str
    risk_types: str


class NoticeOut(Schema):
    id: int
    village: str
    kind: str
    opened_on: dt.date
    closed_on: dt.date | None
    rows: list[NoticeRow]


def _case(case: Any) -> dict[str, Any]:
    case = selectors.with_clocks([case])[0]
    return {
        "id": case.pk,
        "household_code": case.household.code,
        "village_code": case.household.village_id,
        "kind": case.kind,
        "source": case.source,
        "status": case.status,
        "step": case.step.code if case.step else None,
        "opened_on": case.opened_on,
        "deadline": case.deadline,
        "days_left": case.days_left,
        "overdue": case.overdue,
        "category": case.category,
        "risk_types": case.risk_types,
        "decided_on": case.decided_on,
    }


def _detail(case: Any) -> dict[str, Any]:
    transitions = [
        {
            "step": t.step_code,
            "decision": t.decision,
            "reason": t.reason,
            "actor": t.actor.username if t.actor else None,
            "on": t.on,
            "data": t.data,
        }
        for t in case.transitions.select_related("actor")
    ]
    steps = [s.code for s in services.actionable_steps(case)]
    return {**_case(case), "transitions": transitions, "actionable_steps": steps}


@router.get("/cases", response=list[CaseOut])
@paginate(ApiPagination, page_size=50)
@access.access(MODULE)
def cases(request: HttpRequest, status: str = "", step: str = "", overdue: str = "") -> Any:
    filters = {"status": status, "step": step, "overdue": overdue}
    return [
        _case(c) for c in selectors.case_search(request.user, filters).order_by("deadline", "pk")
    ]


@router.get("/cases/{case_id}", response=CaseDetail)
@access.access(MODULE)
def case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(selectors.case_get(request.user, case_id))


@router.post("/cases/{case_id}/transitions", response={201: CaseDetail})
@access.access(MODULE, roles.EDIT)
def case_transition(request: HttpRequest, case_id: int, body: TransitionIn) -> Any:
    row = selectors.case_get(request.user, case_id, roles.EDIT)
    services.case_transition(
        case=row,
        actor=request.user,
        decision=body.decision,
        step_code=body.step,
        reason=body.reason,
        data=body.data,
        on=body.on,
    )
    return Status(201, _detail(selectors.case_get(request.user, case_id)))


@router.get("/notices/{notice_id}", response=NoticeOut)
@access.access(MODULE)
def notice(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    row = selectors.notice_get(request.user, notice_id)
    return {
        "id": row.pk,
        "village": row.village.name,
        "kind": row.kind,
        "opened_on": row.opened_on,
        "closed_on": row.closed_on,
        "rows": selectors.notice_rows(row),
    }


# The clue endings and the correction procedure register on this router.
from villageaid.cases import endings_api  # noqa: E402, F401
