"""Walking the chain: which step a case is at, who may act there, and one decision
(pass, reject, return) recorded as a transition in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases.models import Case, CaseAttachment, Kind, ProcedureStep, Transition
from villageaid.cases.services.procedures import steps_of
from villageaid.cases.services.steps import step_for
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError

MODULE = roles.Module.CASES


def actionable_steps(case: Case) -> list[ProcedureStep]:
    """The current step and any undone step running in parallel with it."""
    if case.status != Case.Status.OPEN or case.step is None:
        return []
    current = case.step
    if not current.parallel_group:
        return [current]
    return [
        s
        for s in steps_of(case)
        if s.code == current.code
        or (s.parallel_group == current.parallel_group and s.code not in case.done_steps)
    ]


def may_act(user: Any, case: Case, step: ProcedureStep) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    # core.access decides on the case itself: area, and a helper's pairing (issue 18).
    return getattr(user, "role", "") in step.roles and access.permits(
        user, MODULE, roles.EDIT, case
    )


def step_to_act(case: Case, actor: Any, step_code: str, decision: str, reason: str) -> Any:
    steps = {s.code: s for s in actionable_steps(case)}
    step = steps.get(step_code or (case.step.code if case.step else ""))
    if step is None:
        raise ServiceError(_("该案件当前不在这个环节"), code="wrong_step")
    if not may_act(actor, case, step):
        raise ServiceError(_("你的角色或区域不能办理这个环节"), code="not_your_step")
    if decision not in Transition.Decision.values:
        raise ServiceError(_("未知的办理结果"), code="bad_decision")
    if decision != Transition.Decision.PASS and not reason.strip():
        raise ServiceError(_("不通过或退回须写明理由"), code="reason_required")
    return step


def case_transition(
    *,
    case: Case,
    actor: Any,
    decision: str,
    step_code: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    on: dt.date | None = None,
    files: Iterable[UploadedFile] = (),
) -> Transition:
    """Record one decision at the current step (or one running in parallel with it): the
    step's guard, the transition row, the step's effect and the audit line, all or nothing."""
    data = dict(data or {})
    on = on or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        step = step_to_act(case, actor, step_code, decision, reason)
        rules = step_for(step.code)
        if decision == Transition.Decision.PASS:
            rules.guard(case, data)
        row = Transition.objects.create(
            case=case,
            step=step,
            step_code=step.code,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            decision=decision,
            reason=reason,
            data=data,
            on=on,
        )
        for upload in files:
            CaseAttachment.objects.create(transition=row, file=upload, label=upload.name or "")
        _apply(case, step, decision, actor, data, on)
        audit.record(
            actor=actor,
            action=f"cases.case.{decision}",
            obj=case,
            area=case.household.village,
            after={"step": step.code, "status": case.status},
            note=reason,
        )
    return row


def _next_step(case: Case) -> ProcedureStep | None:
    return next((s for s in steps_of(case) if s.code not in case.done_steps), None)


def _previous_step(case: Case, step: ProcedureStep) -> ProcedureStep:
    before = [s for s in steps_of(case) if s.order < step.order]
    if not before:
        raise ServiceError(_("已是第一个环节，不能退回"), code="no_previous_step")
    return before[-1]


def _apply(
    case: Case, step: ProcedureStep, decision: str, actor: Any, data: dict[str, Any], on: dt.date
) -> None:
    if decision == Transition.Decision.REJECT:
        case.status, case.step, case.closed_on = Case.Status.REJECTED, None, on
    elif decision == Transition.Decision.RETURN:
        back = _previous_step(case, case.step or step)
        case.done_steps = [c for c in case.done_steps if c not in {back.code, step.code}]
        case.step = back
    else:
        case.done_steps = [*case.done_steps, step.code]
        step_for(step.code).effect(case, actor, data, on)
        case.step = _next_step(case)
        if case.step is None:
            case.closed_on = on
            case.status = (
                Case.Status.MONITORED
                if case.kind == Kind.IDENTIFICATION
                else Case.Status.ELIMINATED
            )
    case.save()
