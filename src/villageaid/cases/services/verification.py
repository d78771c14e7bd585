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
from villageaid.cases.services.chain import case_transition, step_to_act
from villageaid.cases.services.steps import Step, register
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.registry import figures
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
    authorised_on: dt.date | None = None,
    scan: UploadedFile | None = None,
) -> Transition:
    """The home-verification form in one transaction: the signed authorisation (when
    given), the income worksheet (``IncomeRecord`` and a verified net-income figure on the
    household, through the registry), the guarantees and water, then the verify step. The
    step's actor and place are checked first; a refusal leaves nothing behind."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
        step_to_act(locked, actor, "verify", Transition.Decision.PASS, note)
        household = locked.household
        if authorised_on is not None:
            authorisation_record(case=locked, actor=actor, signed_on=authorised_on, scan=scan)
        record = figures.income_record_verified(
            household=household, period_end=on, components=income, actor=actor
        )
        figures.household_figure_record(
            household=household,
            kind="net_income",
            value=record.net_income,
            source=figures.Source.VERIFICATION,
            source_ref=f"cases.case#{locked.pk}/{on}",
            as_of=on,
            actor=actor,
        )
        if guarantees:
            household_update(household=household, actor=actor, **guarantees)
        if risk_types:
            locked.risk_types = ";".join(rules.risk_list(risk_types))
            Case.objects.filter(pk=locked.pk).update(risk_types=locked.risk_types)
        data = {
            "income": {k: str(v) for k, v in income.items()},
            "net_income": str(record.net_income),
            "expenses": {k: str(v) for k, v in (expenses or {}).items()},
            "guarantees": {k: str(v) for k, v in guarantees.items()},
            "risk_types": risk_types,
        }
        return case_transition(
            case=locked,
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
