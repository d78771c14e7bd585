"""A household's move to another village: its own procedure, never a roster import.

The receiving village requests it (the household, by its code or a member's ID number, and
the reason); the township of each village approves (one approval when both villages lie in
the same township: an approver covers every side in their area); then the household moves,
with a history row and an audit line. Either township may reject a pending request.
``core.access`` decides every step: the requester may edit the registry in the receiving
village, an approver may ``approve`` in the village's township.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, idnumber, pii, roles
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import Area
from villageaid.registry.models import Household, HouseholdTransfer, Person

MODULE = roles.Module.REGISTRY
REASON_MAX = 200


def township_of(village: Area) -> Area:
    """The township above ``village`` (the village itself where there is none)."""
    codes = village.path.strip("/").split("/")
    found = Area.objects.filter(code__in=codes, level="township").first()
    return found or village


def _household(*, household_code: str, id_number: str) -> Household:
    household = None
    if household_code.strip():
        household = Household.objects.filter(code=household_code.strip()).first()
    elif id_number.strip():
        digest = pii.lookup_hash(idnumber.normalise(id_number))
        person = Person.objects.select_related("household").filter(id_hash=digest).first()
        household = person.household if person is not None else None
    if household is None:
        raise ServiceError(_("未找到该户，请核对户编号或身份证号"), code="not_found")
    return household


def transfer_request(
    *,
    actor: Any,
    to_village: Area,
    reason: str,
    household_code: str = "",
    id_number: str = "",
) -> HouseholdTransfer:
    """The receiving village asks for a household registered elsewhere."""
    access.require(actor, MODULE, roles.EDIT, to_village)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ServiceError(_("请填写迁移原因（200字以内）"), code="reason")
    household = _household(household_code=household_code, id_number=id_number)
    if household.village_id == to_village.code:
        raise ServiceError(_("该户已在本村登记"), code="same_village")
    with transaction.atomic():
        if HouseholdTransfer.objects.filter(household=household, status="pending").exists():
            raise Conflict(_("该户已有待审批的迁移申请"), code="pending")
        transfer = HouseholdTransfer.objects.create(
            household=household,
            from_village_id=household.village_id,
            to_village=to_village,
            reason=reason,
            requested_by=actor,
        )
        audit.record(
            actor=actor,
            action="registry.transfer.request",
            obj=transfer,
            area=to_village,
            note=reason,
        )
    return transfer


def approvable_sides(actor: Any, transfer: HouseholdTransfer) -> list[str]:
    """The sides (``"from"``, ``"to"``) still awaiting an approval that ``actor`` may give."""
    sides = []
    for side, village in (("from", transfer.from_village), ("to", transfer.to_village)):
        if getattr(transfer, f"{side}_approved_by_id") is None and access.can(
            actor, MODULE, roles.APPROVE, township_of(village)
        ):
            sides.append(side)
    return sides


def may_decide(actor: Any, transfer: HouseholdTransfer) -> bool:
    return any(
        access.can(actor, MODULE, roles.APPROVE, township_of(v))
        for v in (transfer.from_village, transfer.to_village)
    )


def _locked(transfer: HouseholdTransfer) -> HouseholdTransfer:
    locked = HouseholdTransfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != HouseholdTransfer.Status.PENDING:
        raise Conflict(_("该申请已处理"), code="decided")
    return locked


def transfer_approve(*, actor: Any, transfer: HouseholdTransfer) -> HouseholdTransfer:
    """Approve every side the actor's township covers; the move follows the last approval."""
    with transaction.atomic():
        transfer = _locked(transfer)
        sides = approvable_sides(actor, transfer)
        if not sides:
            if may_decide(actor, transfer):
                raise Conflict(_("您已审批，等待另一乡镇审批"), code="approved")
            raise PermissionDenied
        now = timezone.now()
        for side in sides:
            setattr(transfer, f"{side}_approved_by", actor)
            setattr(transfer, f"{side}_approved_at", now)
            audit.record(
                actor=actor,
                action="registry.transfer.approve",
                obj=transfer,
                area=township_of(getattr(transfer, f"{side}_village")),
                note=side,
            )
        if transfer.from_approved_by_id and transfer.to_approved_by_id:
            _move(transfer, actor)
        transfer.save()
    return transfer


def _move(transfer: HouseholdTransfer, actor: Any) -> None:
    household = Household.objects.select_for_update().get(pk=transfer.household_id)
    before = {"village": household.village_id, "area_path": household.area_path}
    household.village = transfer.to_village
    household.grid = None  # the receiving village assigns its own grid
    household.area_path = transfer.to_village.path
    household._change_reason = f"transfer {transfer.pk}"  # type: ignore[attr-defined]
    household.save()
    transfer.status = HouseholdTransfer.Status.MOVED
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    audit.record(
        actor=actor,
        action="registry.transfer.move",
        obj=household,
        area=transfer.to_village,
        before=before,
        after={"village": household.village_id, "area_path": household.area_path},
        note=f"transfer {transfer.pk}",
    )


def transfer_reject(*, actor: Any, transfer: HouseholdTransfer, reason: str) -> HouseholdTransfer:
    """Either village's township turns a pending request down, with a reason."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ServiceError(_("请填写驳回原因（200字以内）"), code="reason")
    with transaction.atomic():
        transfer = _locked(transfer)
        if not may_decide(actor, transfer):
            raise PermissionDenied
        transfer.status = HouseholdTransfer.Status.REJECTED
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        transfer.rejection_reason = reason
        transfer.save()
        audit.record(
            actor=actor,
            action="registry.transfer.reject",
            obj=transfer,
            area=transfer.to_village,
            note=reason,
        )
    return transfer


def transfers_for(user: Any) -> QuerySet[HouseholdTransfer]:
    """Requests into or out of the user's area."""
    if not access.allowed(user, MODULE, roles.VIEW):
        return HouseholdTransfer.objects.none()
    into = access.area_q(user, "to_village__path")
    out = access.area_q(user, "from_village__path")
    return HouseholdTransfer.objects.filter(Q(into) | Q(out)).select_related(
        "household", "from_village", "to_village"
    )


def transfer_get(user: Any, pk: int) -> HouseholdTransfer:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(transfers_for(user), pk=pk)
