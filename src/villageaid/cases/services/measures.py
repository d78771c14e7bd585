"""帮扶措施: assistance measures granted to a case and their progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases import rules
from villageaid.cases.models import Case, CaseMeasure, Kind
from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.registry import figures


def measure_grant(
    *,
    case: Case,
    actor: Any,
    measure: str,
    department: str,
    granted_on: dt.date,
    person: str = "",
    amount: Decimal | None = None,
    in_kind: str = "",
    status: str = CaseMeasure.Status.PLANNED,
    note: str = "",
) -> CaseMeasure:
    """An assistance measure; ``immediate`` when identification is still running."""
    access.require_row(actor, roles.Module.CASES, roles.EDIT, case)
    case.refresh_from_db()
    immediate = case.kind == Kind.IDENTIFICATION and case.status == Case.Status.OPEN
    codes = [*case.measures.values_list("measure", flat=True), measure]
    problems = rules.measure_problems(
        case.household, codes, adding=measure, immediate=immediate, policy=rules.case_policy(case)
    )
    if problems:
        raise ServiceError("；".join(problems), code="measure_policy")
    if case.status not in {Case.Status.OPEN, Case.Status.MONITORED}:
        raise ServiceError(_("该案件已结束"), code="case_closed")
    with transaction.atomic():
        row = CaseMeasure.objects.create(
            case=case,
            area_path=case.area_path,
            measure=measure,
            department=department,
            person=person,
            amount=amount,
            in_kind=in_kind,
            status=status,
            immediate=immediate,
            granted_on=granted_on,
            note=note,
        )
        audit.record(
            actor=actor,
            action="cases.measure.grant",
            obj=row,
            area=case.household.village,
            note=measure,
        )
    return row


def measure_progress(
    *,
    row: CaseMeasure,
    actor: Any,
    status: str,
    evidence: UploadedFile | None = None,
    effect_income: Decimal | None = None,
    on: dt.date | None = None,
) -> CaseMeasure:
    """A measure delivered or verified; its effect (the income it brought the household)
    becomes a dated figure on the household, sourced to this measure."""
    access.require_row(actor, roles.Module.CASES, roles.EDIT, row)
    if status not in CaseMeasure.Status.values:
        raise ServiceError(_("未知状态"), code="bad_status")
    with transaction.atomic():
        row.status = status
        if evidence is not None:
            row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
        if effect_income is not None:
            figures.household_figure_record(
                household=row.case.household,
                kind="measure_income",
                value=effect_income,
                source=figures.Source.MEASURE,
                source_ref=f"cases.measure#{row.pk}",
                as_of=on or timezone.localdate(),
                actor=actor,
            )
        audit.record(
            actor=actor,
            action="cases.measure.progress",
            obj=row,
            area=row.case.household.village,
            note=status,
        )
    return row
