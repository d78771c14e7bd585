"""县级审定/审批: the county's decision, the one step that changes the household's
monitoring status, category and risks (through the registry's decision service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case, Kind
from villageaid.cases.services.steps import Step, register
from villageaid.core.errors import ServiceError
from villageaid.registry.services import household_decide


@register
class CountyStep(Step):
    code = "county"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        if case.kind != Kind.IDENTIFICATION:
            return
        if not data.get("category"):
            raise ServiceError(_("请选择监测对象类别"), code="category_required")
        if not rules.risk_list(data.get("risk_types", "")):
            raise ServiceError(_("至少选择一个风险类型"), code="risk_required")
        decided = Case(
            household=case.household,
            policy_version=case.policy_version,
            opened_on=case.opened_on,
            risk_types=";".join(rules.risk_list(data["risk_types"])),
        )
        rules.check_category(decided, data, case.opened_on, required=True)

    def effect(self, case: Case, actor: Any, data: dict[str, Any], on: dt.date) -> None:
        household = case.household
        if case.kind == Kind.IDENTIFICATION:
            case.category = data["category"]
            case.risk_types = ";".join(rules.risk_list(data["risk_types"]))
            household_decide(
                household=household,
                actor=actor,
                basis=case,
                monitoring_status="monitored",
                monitoring_category=rules.registry_category(case),
                risk_types=case.risk_types,
            )
        else:
            household_decide(
                household=household, actor=actor, basis=case, monitoring_status="eliminated"
            )
        case.decided_on = on
