"""入户核实及承诺授权 and 信息比对: the home-verification form, the signed authorisation
and the department comparisons made under it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from villageaid.cases import rules
from villageaid.cases.models import Authorisation, Case, Comparison, Transition
from villageaid.cases.services.chain import case_transition
from villageaid.cases.services.steps import Step, register
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.registry.models import IncomeRecord
from villageaid.registry.services import household_update


def _authorisation_required() -> ServiceError:
    return ServiceError("农户未签署承诺授权书，不能进行信息比对", code="authorisation_required")


@register
class VerifyStep(Step):
    code = "verify"


@register
class CompareStep(Step):
    code = "compare"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        if not case.authorisations.exists():
            raise _authorisation_required()


def case_verify(
    *,
    case: Case,
    actor: Any,
    on: dt.date,
    income: dict[str, Decimal],
    guarantees: dict[str, Any],
    risk_types: str = "",
    expenses: dict[str, Decimal] | None = None,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> Transition:
    """The home-verification form: income into ``IncomeRecord``, the guarantees and water
    through ``household_update``, then the verify step passes with the form in its data."""
    household = case.household
    with transaction.atomic():
        record, _ = IncomeRecord.objects.update_or_create(
            household=household,
            period_end=on,
            defaults={**income, "recorded_by": actor if actor and actor.is_authenticated else None},
        )
        record.refresh_from_db()
        audit.record(
            actor=actor, action="registry.income.record", obj=record, area=household.village
        )
        if guarantees:
            household_update(household=household, actor=actor, **guarantees)
        if risk_types:
            case.risk_types = ";".join(rules.risk_list(risk_types))
            Case.objects.filter(pk=case.pk).update(risk_types=case.risk_types)
        data = {
            "income": {k: str(v) for k, v in income.items()},
            "net_income": str(record.net_income),
            "expenses": {k: str(v) for k, v in (expenses or {}).items()},
            "guarantees": {k: str(v) for k, v in guarantees.items()},
            "risk_types": risk_types,
        }
        return case_transition(
            case=case,
            actor=actor,
            decision=Transition.Decision.PASS,
            step_code="verify",
            reason=note,
            data=data,
            on=on,
            files=files,
        )


def authorisation_record(
    *, case: Case, actor: Any, signed_on: dt.date, scan: UploadedFile | None = None
) -> Authorisation:
    access.require_row(actor, roles.Module.CASES, roles.EDIT, case)
    with transaction.atomic():
        row = Authorisation.objects.create(case=case, household=case.household, signed_on=signed_on)
        if scan is not None:
            row.scan.save(scan.name or "scan", scan, save=True)
        audit.record(
            actor=actor, action="cases.authorisation.record", obj=row, area=case.household.village
        )
    return row


def comparison_record(
    *,
    authorisation: Authorisation,
    actor: Any,
    department: str,
    compared_on: dt.date,
    findings: str = "",
    flagged: bool = False,
) -> Comparison:
    with transaction.atomic():
        row = Comparison.objects.create(
            authorisation=authorisation,
            department=department,
            compared_on=compared_on,
            findings=findings,
            flagged=flagged,
        )
        audit.record(
            actor=actor,
            action="cases.comparison.record",
            obj=row,
            area=authorisation.household.village,
            note=department,
        )
    return row


def case_compare(
    *,
    case: Case,
    actor: Any,
    on: dt.date,
    results: Sequence[tuple[str, str, bool]],
    reason: str = "",
) -> Transition:
    """Record each department's comparison under the latest authorisation, then pass the
    comparison step. ``results`` holds (department, findings, flagged)."""
    authorisation = case.authorisations.order_by("-signed_on", "-pk").first()
    if authorisation is None:
        raise _authorisation_required()
    with transaction.atomic():
        for department, findings, flagged in results:
            comparison_record(
                authorisation=authorisation,
                actor=actor,
                department=department,
                compared_on=on,
                findings=findings,
                flagged=flagged,
            )
        data = {"comparisons": [{"department": d, "flagged": f} for d, _x, f in results]}
        return case_transition(
            case=case,
            actor=actor,
            decision=Transition.Decision.PASS,
            step_code="compare",
            reason=reason,
            data=data,
            on=on,
        )
