"""风险消除: opening the mirror chain for a monitored case, and its rollback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case, Kind, ProcedureStep, Transition
from villageaid.cases.services.chain import may_act
from villageaid.cases.services.opening import case_open
from villageaid.core import audit
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.registry.services import household_decide


def elimination_open(
    *, case: Case, actor: Any, on: dt.date, mode: str = rules.guards.ASSISTED
) -> Case:
    """Open the mirror chain for a monitored case (帮扶消除 or 自然消除, as the version in
    force on ``on`` allows), or refuse with every failed condition, each naming its rule.
    The checks and the condition each used are kept in the opening's audit event."""
    if case.kind != Kind.IDENTIFICATION or case.status != Case.Status.MONITORED:
        raise ServiceError(_("只有已纳入监测的案件可以申请风险消除"), code="not_monitored")
    checks = rules.elimination_checks(case, on, mode)
    problems = rules.guards.failed(checks)
    if problems:
        raise ServiceError("；".join(problems), code="elimination_refused")
    with transaction.atomic():
        made = case_open(
            household=case.household,
            actor=actor,
            source=case.source,
            opened_on=on,
            summary=f"风险消除（{rules.guards.MODE_LABELS[mode]}）",
            risk_types=case.risk_types,
            kind=Kind.ELIMINATION,
            identification=case,
        )
        audit.record(
            actor=actor,
            action="cases.elimination.checks",
            obj=made,
            area=case.household.village,
            after={
                "mode": mode,
                "policy": made.policy_version,
                "checks": rules.checks_record(checks),
            },
        )
    return made


def elimination_rollback(*, case: Case, actor: Any, reason: str, on: dt.date) -> Case:
    """风险消除回退: the household is monitored again under its identification case."""
    if case.kind != Kind.ELIMINATION or case.status != Case.Status.ELIMINATED:
        raise ServiceError(_("只能回退已完成的风险消除"), code="not_eliminated")
    if not reason.strip():
        raise ServiceError(_("请写明回退理由"), code="reason_required")
    if not may_act(actor, case, ProcedureStep(role=Role.COUNTY)):
        raise ServiceError(_("风险消除回退由县级办理"), code="not_your_step")
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
