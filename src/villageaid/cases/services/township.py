"""乡镇审核 and 结果公告及录入: the township's two steps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case
from villageaid.cases.services.procedures import steps_of
from villageaid.cases.services.steps import Step, register
from villageaid.core.errors import ServiceError


@register
class TownshipStep(Step):
    code = "township"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        if "notice" not in case.done_steps:
            raise ServiceError(_("公示完成后才能乡镇审核"), code="notice_required")
        if case.objections.filter(resolved_on__isnull=True).exists():
            raise ServiceError(_("公示异议尚未处理完毕"), code="objections_open")
        rules.check_category(case, data, case.opened_on, required=False)  # R-CAT-1


@register
class AnnounceStep(Step):
    code = "announce"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        has_decision = any(s.code == "county" for s in steps_of(case))
        if has_decision and "county" not in case.done_steps:
            raise ServiceError(_("县级审定后才能公告"), code="decision_required")
