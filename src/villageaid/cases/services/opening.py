"""Opening a case: from a cadre's report, a visit report, a screening clue or a
household's own declaration. One open case per household (the database holds the rule,
the opening transaction checks it under the household's row lock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases import clock, rules
from villageaid.cases.models import Case, Kind, SelfDeclaration
from villageaid.cases.services.procedures import procedure_for
from villageaid.core import access, audit, roles
from villageaid.core.errors import Conflict, ServiceError
from villageaid.registry import labels
from villageaid.registry.models import Household
from villageaid.screening import services as screening_services
from villageaid.screening.models import Clue
from villageaid.visits import services as visits_services


def _open_exists() -> Conflict:
    return Conflict("该户已有办理中的案件", code="case_open_exists")


def case_open(
    *,
    household: Household,
    actor: Any,
    source: str,
    opened_on: dt.date | None = None,
    summary: str = "",
    risk_types: str = "",
    kind: str = Kind.IDENTIFICATION,
    report: Any = None,
    clue: Clue | None = None,
    declaration: SelfDeclaration | None = None,
    identification: Case | None = None,
) -> Case:
    access.require_row(actor, roles.Module.CASES, roles.EDIT, household)
    opened_on = opened_on or timezone.localdate()
    limit = rules.clock_for(household, opened_on, elimination=kind == Kind.ELIMINATION)
    procedure = procedure_for(household.village.province_code, limit.version)
    try:
        with transaction.atomic():
            locked = Household.objects.select_for_update().filter(pk=household.pk).first()
            if Case.objects.filter(household=household, status=Case.Status.OPEN).exists():
                raise _open_exists()
            if kind == Kind.IDENTIFICATION and locked and locked.monitoring_status == "monitored":
                raise Conflict(
                    _("该户已在监测中，新的困难并入其案件，不再另行识别"),
                    code="household_monitored",
                )
            case = Case(
                household=household,
                area_path=household.area_path,
                kind=kind,
                source=source,
                report=report,
                clue=clue,
                declaration=declaration,
                identification=identification,
                relapse_of=_relapse_of(household, kind),
                summary=summary[:300],
                risk_types=risk_types,
                procedure=procedure,
                opened_on=opened_on,
                deadline=clock.deadline_for(opened_on, limit.days, limit.kind),
                policy_version=limit.version,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            case.step = procedure.steps.filter(kind=kind).order_by("order").first()
            case.save()
            audit.record(
                actor=actor, action="cases.case.open", obj=case, area=household.village, note=source
            )
    except IntegrityError as exc:  # a concurrent opening won the partial unique index
        raise _open_exists() from exc
    return case


def _relapse_of(household: Household, kind: str) -> Case | None:
    """A new identification of a household whose risk was eliminated is a relapse (返贫/致贫
    again): it links to the identification case whose risk was eliminated."""
    if kind != Kind.IDENTIFICATION:
        return None
    eliminated = (
        Case.objects.filter(
            household=household, kind=Kind.ELIMINATION, status=Case.Status.ELIMINATED
        )
        .order_by("-closed_on", "-pk")
        .first()
    )
    return eliminated.identification if eliminated is not None else None


def case_open_from_report(*, report: Any, actor: Any, opened_on: dt.date | None = None) -> Case:
    """A cadre's or helper's report of a difficulty (``visits.VisitReport``)."""
    with transaction.atomic():
        case = case_open(
            household=report.household,
            actor=actor,
            source=Case.Source.CADRE_REPORT,
            opened_on=opened_on or timezone.localdate(report.reported_at),
            summary=report.description,
            risk_types=report.risk_type,
            report=report,
        )
        visits_services.visit_report_take(report=report, case_ref=str(case.pk), actor=actor)
    return case


def case_open_from_clue(clue: Clue, actor: Any) -> Case:
    """One call for the screening clue page: the clue's household and risk; the clock
    starts on the day the clue was found (pushed to the village)."""
    with transaction.atomic():
        case = case_open(
            household=clue.household,
            actor=actor,
            source=Case.Source.CLUE,
            opened_on=timezone.localdate(clue.created_at),
            summary=f"{clue.rule_code} {labels.RISK_TYPE_LABELS.get(clue.risk_type, '')}",
            risk_types=clue.risk_type,
            clue=clue,
        )
        screening_services.clue_link_case(
            clue=clue, case_id=case.pk, status=Clue.Status.OPEN, actor=actor
        )
    return case


def case_open_from_declaration(
    *, declaration: SelfDeclaration, household: Household, actor: Any
) -> Case:
    if household.village_id != declaration.village_id:
        raise ServiceError(_("申报农户不在该村"), code="household_mismatch")
    with transaction.atomic():
        case = case_open(
            household=household,
            actor=actor,
            source=Case.Source.SELF_DECLARATION,
            opened_on=timezone.localdate(declaration.created_at),
            summary=declaration.description,
            risk_types=declaration.risk_type,
            declaration=declaration,
        )
        declaration.household = household
        declaration.status = SelfDeclaration.Status.CONVERTED
        declaration.save(update_fields=["household", "status"])
    return case
