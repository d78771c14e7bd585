"""The correction procedure for data that was simply wrong (a category entered wrongly years
ago, a duplicate person, a death not recorded): the village requests with a reason and an
attachment, the township approves or refuses, an approval is applied to the registry with
history. Each step is a small object with its guard, its effect and its audit line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.endings import Correction
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.registry import labels
from villageaid.registry.models import Household, Person
from villageaid.registry.services import household_decide, person_status_decide

MODULE = roles.Module.CASES
CHOICES = {
    "household_type": labels.HOUSEHOLD_TYPE_LABELS,
    "monitoring_status": labels.MONITORING_STATUS_LABELS,
    "monitoring_category": labels.MONITORING_CATEGORY_LABELS,
    "person_status": labels.PERSON_STATUS_LABELS,
}


def _may(actor: Any, household: Household, role: str) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return getattr(actor, "role", "") == role and access.permits(
        actor, MODULE, roles.EDIT, household
    )


def _checked_value(field: str, value: str) -> str:
    if field == "risk_types":
        risks = rules.risk_list(value)
        if not risks and value:
            raise ServiceError(_("未知的风险类型"), code="bad_value")
        return ";".join(risks)
    if field not in CHOICES or value not in CHOICES[field]:
        raise ServiceError(_("更正后的值无效"), code="bad_value")
    return value


def _current(household: Household, field: str, person: Person | None) -> str:
    if field == "person_status":
        if person is None or person.household_id != household.pk:
            raise ServiceError(_("请选择本户的成员"), code="person_required")
        return person.status
    return str(getattr(household, field))


def correction_task(
    *, household: Household, actor: Any, clue: Any = None, note: str = ""
) -> Correction:
    """A correction the village still has to request (from a data-quality clue)."""
    with transaction.atomic():
        row = Correction.objects.create(
            household=household, area_path=household.area_path, clue=clue, reason=note[:2000]
        )
        audit.record(actor=actor, action="cases.correction.task", obj=row, area=household.village)
    return row


def correction_request(
    *,
    household: Household,
    actor: Any,
    field: str,
    new_value: str,
    reason: str,
    attachment: UploadedFile | None,
    on: dt.date,
    person: Person | None = None,
    task: Correction | None = None,
) -> Correction:
    """The village's request: what is wrong, what it should be, why, and the proof."""
    if not _may(actor, household, Role.CADRE):
        raise ServiceError(_("更正申请由村级提出"), code="not_your_step")
    if field not in Correction.Field.values:
        raise ServiceError(_("未知的更正项目"), code="bad_field")
    if not reason.strip():
        raise ServiceError(_("请写明更正理由"), code="reason_required")
    if attachment is None:
        raise ServiceError(_("请上传证明材料"), code="attachment_required")
    value = _checked_value(field, new_value)
    old = _current(household, field, person)
    if old == value:
        raise ServiceError(_("更正后的值与现值相同"), code="no_change")
    with transaction.atomic():
        row = task or Correction(household=household, area_path=household.area_path)
        if row.pk and row.status != Correction.Status.TASK:
            raise ServiceError(_("该更正任务已提出"), code="correction_requested")
        row.person, row.field, row.old_value, row.new_value = person, field, old, value
        row.reason, row.status = reason.strip()[:2000], Correction.Status.REQUESTED
        row.requested_by, row.requested_on = _user(actor), on
        row.attachment.save(attachment.name or "proof", attachment, save=False)
        row.save()
        audit.record(
            actor=actor,
            action="cases.correction.request",
            obj=row,
            area=household.village,
            before={field: old},
            after={field: value},
            note=reason,
        )
    return row


def correction_decide(
    *, correction: Correction, actor: Any, approve: bool, note: str, on: dt.date
) -> Correction:
    """The township's decision; an approval is applied to the registry in the same
    transaction (with history naming this correction)."""
    with transaction.atomic():
        row = (
            Correction.objects.select_for_update().select_related("household").get(pk=correction.pk)
        )
        if row.status != Correction.Status.REQUESTED:
            raise ServiceError(_("该更正不在待审批状态"), code="wrong_step")
        if not _may(actor, row.household, Role.TOWNSHIP):
            raise ServiceError(_("更正由乡镇审批"), code="not_your_step")
        if not approve and not note.strip():
            raise ServiceError(_("不予更正须写明理由"), code="reason_required")
        row.status = Correction.Status.APPROVED if approve else Correction.Status.REFUSED
        row.decided_by, row.decided_on, row.decision_note = _user(actor), on, note.strip()
        row.save()
        if approve:
            _apply(row, actor)
        audit.record(
            actor=actor,
            action=f"cases.correction.{row.status}",
            obj=row,
            area=row.household.village,
            note=note,
        )
        _close_clue_endings(row, actor)
    return row


def _apply(row: Correction, actor: Any) -> None:
    if row.field == "person_status" and row.person is not None:
        person_status_decide(person=row.person, actor=actor, basis=row, status=row.new_value)
    else:
        household_decide(
            household=row.household, actor=actor, basis=row, **{row.field: row.new_value}
        )


def _close_clue_endings(row: Correction, actor: Any) -> None:
    from villageaid.screening import services as screening_services

    for ending in row.endings.select_related("clue"):
        screening_services.clue_link_case(
            clue=ending.clue, case_id=ending.clue.case_id, status="decided", actor=actor
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
