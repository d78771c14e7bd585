"""风险消除: opening the mirror chain for a monitored case, and its rollback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from villageaid.cases import rules
from villageaid.cases.models import Case, Kind, ProcedureStep, Transition
from villageaid.cases.services.chain import may_act
from villageaid.cases.services.opening import case_open
from villageaid.core import audit
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.registry.services import household_decide


def elimination_open(*, case: Case, actor: Any, on: dt.date) -> Case:
    """Open the mirror chain for a monitored case, or refuse with every failed condition."""
    if case.kind != Kind.IDENTIFICATION or case.status != Case.Status.MONITORED:
        raise ServiceError("只有已纳入监测的案件可以申请风险消除", code="not_monitored")
    problems = rules.elimination_problems(case, on)
    if problems:
        raise ServiceError("；".join(problems), code="elimination_refused")
    return case_open(
        household=case.household,
        actor=actor,
        source=case.source,
        opened_on=on,
        summary="风险消除",
        risk_types=case.risk_types,
        kind=Kind.ELIMINATION,
        identification=case,
    )


def elimination_rollback(*, case: Case, actor: Any, reason: str, on: dt.date) -> Case:
    """风险消除回退: the household is monitored again under its identification case."""
    if case.kind != Kind.ELIMINATION or case.status != Case.Status.ELIMINATED:
        raise ServiceError("只能回退已完成的风险消除", code="not_eliminated")
    if not reason.strip():
        raise ServiceError("请写明回退理由", code="reason_required")
    if not may_act(actor, case, ProcedureStep(role=Role.COUNTY)):
        raise ServiceError("风险消除回退由县级办理", code="not_your_step")
    with transaction.atomic():
        case.status, case.closed_on = Case.Status.ROLLED_BACK, on
        case.save(update_fields=["status", "closed_on"])
        Transition.objects.create(
            case=case,
            step=None,
            step_code="rollback",
            actor=actor,
            decision=Transition.Decision.RETURN,
            reason=reason,
            on=on,
        )
        household_decide(
            household=case.household, actor=actor, basis=case, monitoring_status="monitored"
        )
        audit.record(
            actor=actor,
            action="cases.case.rollback",
            obj=case,
            area=case.household.village,
            note=reason,
        )
    return case
