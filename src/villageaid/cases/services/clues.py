"""Every clue ends somewhere: opened as a case; joined to the household's case (a household
already monitored or with an open case gets no second one); closed as 核实无风险 with the
verifier, date, reason and evidence, reviewed by the township on a sample; or, for anomaly
and data-quality clues (the A and Q rules), turned into a correction task that ends in the
correction procedure. A clue left open past its limit is escalated like a case step."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases import clock, rules
from villageaid.cases.endings import ClueEnding, ClueEscalation, Correction
from villageaid.cases.models import Case, Kind
from villageaid.cases.services.correction import correction_task
from villageaid.cases.services.opening import case_open_from_clue
from villageaid.core import access, audit, notify, roles
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.roles import Role
from villageaid.screening import services as screening_services
from villageaid.screening.models import Clue

MODULE = roles.Module.CASES
SAMPLE_PERCENT = 20  # share of 核实无风险 closures the township must review
CORRECTABLE_KINDS = {"anomaly", "quality"}
Ending = ClueEnding.Ending


def _check_area(actor: Any, clue: Clue) -> None:
    """Acting on a clue needs reading it (screening, as the clue page does) and editing
    its household's cases (core.access: area, and a helper's pairing; issue 18)."""
    if getattr(actor, "is_superuser", False):
        return
    if not (
        access.allowed(actor, roles.Module.SCREENING, roles.VIEW)
        and access.permits(actor, MODULE, roles.EDIT, clue.household)
    ):
        raise ServiceError(_("不能处置该线索"), code="not_your_area")


def _locked(clue: Clue) -> Clue:
    row = Clue.objects.select_for_update().select_related("household__village").get(pk=clue.pk)
    if ClueEnding.objects.filter(clue=row).exclude(review=ClueEnding.Review.REOPENED).exists():
        raise Conflict(_("该线索已处置"), code="clue_ended")
    return row


def _ending(clue: Clue, ending: str, actor: Any, **fields: Any) -> ClueEnding:
    row = ClueEnding.objects.create(clue=clue, area_path=clue.area_path, ending=ending, **fields)
    audit.record(
        actor=actor,
        action=f"cases.clue.{ending}",
        obj=row,
        area=clue.household.village,
        note=f"{clue.rule_code} {clue.pk}",
    )
    return row


def household_case(household: Any) -> Case | None:
    """The case a new clue of this household joins: its open case, else the identification
    case under which it is monitored."""
    open_case = Case.objects.filter(household=household, status=Case.Status.OPEN).first()
    if open_case is not None or household.monitoring_status != "monitored":
        return open_case
    monitored = Case.objects.filter(
        household=household, kind=Kind.IDENTIFICATION, status=Case.Status.MONITORED
    )
    return monitored.order_by("-decided_on", "-pk").first()


def clue_open_case(*, clue: Clue, actor: Any) -> ClueEnding:
    _check_area(actor, clue)
    with transaction.atomic():
        clue = _locked(clue)
        screening_services.clue_require_confirmed(clue)  # a linked clue needs a cadre's word
        if household_case(clue.household) is not None:
            raise Conflict(
                _("该户已有案件或正在监测，请将线索并入已有案件"), code="case_open_exists"
            )
        case = case_open_from_clue(clue, actor)
        return _ending(clue, Ending.OPENED, actor, case=case)


def clue_join(*, clue: Clue, actor: Any) -> ClueEnding:
    _check_area(actor, clue)
    with transaction.atomic():
        clue = _locked(clue)
        case = household_case(clue.household)
        if case is None:
            raise ServiceError(_("该户没有办理中或监测中的案件可并入"), code="no_case_to_join")
        status = Clue.Status.OPEN if case.status == Case.Status.OPEN else Clue.Status.DECIDED
        screening_services.clue_link_case(clue=clue, case_id=case.pk, status=status, actor=actor)
        return _ending(clue, Ending.JOINED, actor, case=case)


def _sampled(clue: Clue) -> bool:
    digest = hashlib.sha256(f"clue-review:{clue.pk}".encode()).hexdigest()
    return int(digest, 16) % 100 < SAMPLE_PERCENT


def clue_close_no_risk(
    *,
    clue: Clue,
    actor: Any,
    verified_on: dt.date,
    reason: str,
    evidence: UploadedFile | None,
) -> ClueEnding:
    """核实无风险: who verified, when, why, with a photo or document."""
    _check_area(actor, clue)
    if not reason.strip():
        raise ServiceError(_("请写明核实情况"), code="reason_required")
    if evidence is None:
        raise ServiceError(_("请上传照片或证明材料"), code="evidence_required")
    if verified_on > timezone.localdate() or verified_on < timezone.localdate(clue.created_at):
        raise ServiceError(_("核实日期须在线索发现之后、今天之前"), code="bad_date")
    with transaction.atomic():
        clue = _locked(clue)
        row = ClueEnding(
            clue=clue,
            area_path=clue.area_path,
            ending=Ending.NO_RISK,
            verifier=actor if getattr(actor, "is_authenticated", False) else None,
            verified_on=verified_on,
            reason=reason.strip()[:2000],
            sampled=_sampled(clue),
        )
        row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
        screening_services.clue_set_status(clue=clue, status=Clue.Status.DISMISSED, actor=actor)
        audit.record(actor=actor, action="cases.clue.no_risk", obj=row, area=clue.household.village)
    return row


def clue_review(
    *, ending: ClueEnding, actor: Any, confirm: bool, note: str, on: dt.date
) -> ClueEnding:
    """The township's sample check of a 核实无风险 closure; sent back, the clue is open again."""
    if getattr(actor, "role", "") != Role.TOWNSHIP and not getattr(actor, "is_superuser", False):
        raise ServiceError(_("抽查由乡镇办理"), code="not_your_step")
    _check_area(actor, ending.clue)
    if ending.ending != Ending.NO_RISK or ending.review:
        raise ServiceError(_("该处置不需要或已经抽查"), code="wrong_step")
    if not confirm and not note.strip():
        raise ServiceError(_("退回须写明理由"), code="reason_required")
    with transaction.atomic():
        ending.review = ClueEnding.Review.CONFIRMED if confirm else ClueEnding.Review.REOPENED
        ending.reviewed_by, ending.reviewed_on, ending.review_note = actor, on, note.strip()
        ending.save(update_fields=["review", "reviewed_by", "reviewed_on", "review_note"])
        if not confirm:
            screening_services.clue_set_status(
                clue=ending.clue, status=Clue.Status.NEW, actor=actor
            )
        audit.record(
            actor=actor,
            action=f"cases.clue.review.{ending.review}",
            obj=ending,
            area=ending.clue.household.village,
            note=note,
        )
    return ending


def clue_to_correction(*, clue: Clue, actor: Any) -> ClueEnding:
    """An anomaly or data-quality clue becomes a correction task for the village."""
    _check_area(actor, clue)
    if clue.kind not in CORRECTABLE_KINDS:
        raise ServiceError(_("只有疑似问题和数据质量线索可以转为数据更正"), code="not_correctable")
    with transaction.atomic():
        clue = _locked(clue)
        task = correction_task(
            household=clue.household, actor=actor, clue=clue, note=f"线索 {clue.rule_code}"
        )
        screening_services.clue_set_status(clue=clue, status=Clue.Status.OPEN, actor=actor)
        return _ending(clue, Ending.CORRECTION, actor, correction=task)


def open_clues() -> Any:
    """Clues with no standing ending (new, or sent back by the township)."""
    standing = ClueEnding.objects.exclude(review=ClueEnding.Review.REOPENED).values("clue_id")
    return Clue.objects.filter(status=Clue.Status.NEW).exclude(pk__in=standing)


def clue_deadline(clue: Clue) -> dt.date | None:
    """The day a clue must be identified by: the policy version's identification limit
    (R-PROC-1) from the day it was found; None where the version sets no limit."""
    found = timezone.localdate(clue.created_at)
    limit = rules.clock_for(clue.household, found)
    return clock.deadline_for(found, limit.days, limit.kind)


def clue_overdue(clue: Clue, today: dt.date) -> bool:
    deadline = clue_deadline(clue)
    return deadline is not None and today > deadline


def clues_escalate(*, today: dt.date | None = None) -> int:
    """Notify the township and county above every clue open past its limit (once each)."""
    today = today or timezone.localdate()
    escalated = ClueEscalation.objects.values("clue_id")
    candidates = (
        open_clues()
        .filter(created_at__date__lt=today)
        .exclude(pk__in=escalated)
        .select_related("household__village")
    )
    overdue = [clue for clue in candidates if clue_overdue(clue, today)]
    count = 0
    for clue in overdue:
        with transaction.atomic():
            village = clue.household.village
            text = (
                f"线索超期未处置：{village.name} {clue.household.code} {clue.rule_code}，"
                f"发现于 {timezone.localdate(clue.created_at):%Y-%m-%d}"
            )
            users = notify.users_over(village, [Role.TOWNSHIP, Role.COUNTY])
            notify.notify(users=users, text=text, url="/cases/clues/", kind="cases.clue_overdue")
            ClueEscalation.objects.create(clue=clue)
            audit.record(actor=None, action="cases.clue.escalate", obj=clue, area=village)
        count += 1
    return count


__all__ = [
    "Correction",
    "clue_close_no_risk",
    "clue_join",
    "clue_open_case",
    "clue_review",
    "clue_to_correction",
    "clues_escalate",
    "household_case",
    "open_clues",
]
