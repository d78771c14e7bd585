"""民主评议: the village's democratic review of the case."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case
from villageaid.cases.services.steps import Step, register
from villageaid.core.errors import ServiceError


def _count(data: dict[str, Any], key: str) -> int:
    try:
        return int(data.get(key) or 0)
    except (TypeError, ValueError):
        raise ServiceError(_("评议人数须为整数"), code="bad_votes") from None


@register
class ReviewStep(Step):
    code = "review"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        attendees = _count(data, "attendees")
        votes = _count(data, "votes_for") + _count(data, "votes_against")
        if attendees and votes > attendees:
            raise ServiceError(_("表决票数不能多于参会人数"), code="bad_votes")
        rules.check_category(case, data, case.opened_on, required=False)  # R-CAT-1
