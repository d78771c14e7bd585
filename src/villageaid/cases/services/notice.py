"""公示: the village notice of one or more cases, its objections, and the notice step
that passes once the notice has run its days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case, Notice, Objection
from villageaid.cases.services.chain import MODULE, actionable_steps, may_act
from villageaid.cases.services.steps import Step, register
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError


@register
class NoticeStep(Step):
    code = "notice"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        if not case.notices.filter(closed_on__isnull=False).exists():
            raise ServiceError(_("公示尚未结束"), code="notice_open")


def _require_notice_role(actor: Any, cases: Sequence[Case]) -> None:
    """Posting a notice, closing it and taking its objections are acts of the notice step:
    the step table's roles for it (the village), on cases the actor may edit (issue 18)."""
    if actor is None:
        return
    for case in cases:
        step = case.procedure.steps.filter(kind=case.kind, code="notice").first()
        if step is None or not may_act(actor, case, step):
            raise ServiceError(_("你的角色或区域不能办理公示"), code="not_your_step")


def notice_publish(*, cases: Sequence[Case], actor: Any, on: dt.date) -> Notice:
    cases = list(
        Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("household__village")
    )
    if not cases:
        raise ServiceError(_("没有可公示的案件"), code="notice_empty")
    villages = {c.household.village_id for c in cases}
    if len(villages) != 1:
        raise ServiceError(
            _("公示只在本村张贴，一次只能公示一个村的案件"), code="notice_one_village"
        )
    for case in cases:
        if "notice" not in {s.code for s in actionable_steps(case)}:
            raise ServiceError(
                _("%(household)s 不在公示环节") % {"household": case.household.label},
                code="wrong_step",
            )
    village = cases[0].household.village
    if not access.can(actor, MODULE, roles.EDIT, village) and not actor.is_superuser:
        raise ServiceError(_("不能在该村公示"), code="not_your_area")
    _require_notice_role(actor, cases)
    with transaction.atomic():
        notice = Notice.objects.create(
            village=village,
            area_path=village.path,
            kind=cases[0].kind,
            opened_on=on,
            min_days=rules.case_policy(cases[0]).notice_min_days or 0,
            created_by=actor,
        )
        notice.cases.set(cases)
        audit.record(actor=actor, action="cases.notice.publish", obj=notice, area=village)
    return notice


def notice_close(*, notice: Notice, actor: Any, on: dt.date) -> Notice:
    _require_notice_role(actor, list(notice.cases.all()))
    if notice.closed_on is not None:
        raise ServiceError(_("公示已结束"), code="notice_closed")
    if (on - notice.opened_on).days < notice.min_days:
        raise ServiceError(
            _("公示不少于%(days)s天") % {"days": notice.min_days}, code="notice_too_short"
        )
    with transaction.atomic():
        notice.closed_on = on
        notice.save(update_fields=["closed_on"])
        audit.record(actor=actor, action="cases.notice.close", obj=notice, area=notice.village)
    return notice


def notice_photo(*, notice: Notice, actor: Any, photo: UploadedFile) -> Notice:
    _require_notice_role(actor, list(notice.cases.all()))
    with transaction.atomic():
        notice.photo.save(photo.name or "photo.jpg", photo, save=True)
        audit.record(actor=actor, action="cases.notice.photo", obj=notice, area=notice.village)
    return notice


def objection_record(
    *, notice: Notice, case: Case, actor: Any, text: str, received_on: dt.date
) -> Objection:
    if not notice.cases.filter(pk=case.pk).exists():
        raise ServiceError(_("该案件不在这次公示中"), code="case_not_in_notice")
    _require_notice_role(actor, [case])
    with transaction.atomic():
        row = Objection.objects.create(notice=notice, case=case, text=text, received_on=received_on)
        audit.record(actor=actor, action="cases.objection.record", obj=row, area=notice.village)
    return row


def objection_resolve(
    *, objection: Objection, actor: Any, resolution: str, on: dt.date
) -> Objection:
    if not resolution.strip():
        raise ServiceError(_("请写明处理结果"), code="resolution_required")
    _require_notice_role(actor, [objection.case])
    with transaction.atomic():
        objection.resolution, objection.resolved_on = resolution, on
        objection.save(update_fields=["resolution", "resolved_on"])
        audit.record(
            actor=actor,
            action="cases.objection.resolve",
            obj=objection,
            area=objection.notice.village,
        )
    return objection
