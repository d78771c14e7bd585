"""Reads of the cases app, scoped through core.access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from villageaid.cases import clock, rules
from villageaid.cases.models import Case, CaseMeasure, Notice, ProcedureStep, SelfDeclaration
from villageaid.core import access, pii, roles
from villageaid.core import clock as core_clock
from villageaid.registry import labels
from villageaid.registry.models import Household
from villageaid.visits.models import VisitReport

MODULE = roles.Module.CASES
FILTERS = ("status", "kind", "step", "overdue", "village")
# The only keys a public notice row may carry (R-PUB-1): never ID, phone, bank or health.
NOTICE_KEYS = ("name", "group", "category", "risk_types")


def cases_for(user: Any, action: str = roles.VIEW) -> QuerySet[Case]:
    return access.scope(Case.objects.all(), user, MODULE, action, area_path="area_path")


def case_get(user: Any, pk: int, action: str = roles.VIEW) -> Case:
    rows = Case.objects.select_related("household__village", "step", "procedure")
    return access.get_for(rows, user, MODULE, action, area_path="area_path", pk=pk)


def case_search(user: Any, filters: dict[str, str], today: dt.date | None = None) -> QuerySet[Case]:
    today = today or core_clock.today()
    rows = cases_for(user).select_related("household__village", "step", "procedure")
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("step"):
        rows = rows.filter(step__code=filters["step"])
    if filters.get("village"):
        rows = rows.filter(household__village_id=filters["village"])
    if filters.get("overdue") == "1":
        rows = rows.filter(status=Case.Status.OPEN, deadline__lt=today)
    return rows


def step_filter_options() -> list[tuple[str, str]]:
    """The case list's step filter: one option per step code (identification's order first),
    labelled with each distinct name the code carries (县级审定／县级审批), never repeated."""
    names: dict[str, list[str]] = {}
    steps = ProcedureStep.objects.order_by("-kind", "order").values_list("code", "name")
    for code, name in steps.distinct():
        if name not in names.setdefault(code, []):
            names[code].append(name)
    return [(code, "／".join(labels)) for code, labels in names.items()]


def with_clocks(cases: Any, today: dt.date | None = None) -> list[Case]:
    today = today or core_clock.today()
    rows = list(cases)
    for case in rows:
        kind = rules.case_policy(case).identification_limit.kind
        case.days_left = (
            clock.days_left(case.deadline, today, kind)
            if case.status == Case.Status.OPEN and case.deadline is not None
            else None
        )
        case.overdue = case.is_overdue(today)
    return rows


def due_for(user: Any) -> QuerySet[Case]:
    """Open cases at a step the user's role acts at."""
    rows = cases_for(user, roles.EDIT).filter(status=Case.Status.OPEN)
    if user.is_superuser:
        return rows
    return rows.filter(step__role=user.role) | rows.filter(step__also_roles__contains=user.role)


def notices_for(user: Any, action: str = roles.VIEW) -> QuerySet[Notice]:
    """Notices covering at least one case the user may see (a grid worker sees the
    village notice of the cases in their grid)."""
    visible = cases_for(user, action).values("pk")
    links = Notice.cases.through.objects.filter(case_id__in=visible).values("notice_id")
    return Notice.objects.filter(pk__in=links)


def notice_get(user: Any, pk: int, action: str = roles.VIEW) -> Notice:
    try:
        return notices_for(user, action).select_related("village").get(pk=pk)
    except Notice.DoesNotExist:
        if action != roles.VIEW and notices_for(user).filter(pk=pk).exists():
            raise PermissionDenied from None
        raise Http404 from None


def head_name(household: Household) -> str:
    head = next((p for p in household.members.all() if p.relationship == "01"), None)
    return head.name if head is not None else ""


def notice_rows(notice: Notice) -> list[dict[str, str]]:
    """What a notice shows, built from a dict with only :data:`NOTICE_KEYS`, each value
    through the personal-data filter (free text typed into a name or a group included)."""
    rows = []
    for case in notice.cases.select_related("household").prefetch_related("household__members"):
        row = {
            "name": head_name(case.household),
            "group": case.household.group_name,
            "category": rules.notice_category(case) or "待认定",
            "risk_types": labels.risk_types_label(case.risk_types),
        }
        rows.append({key: pii.public_text(row[key]) for key in NOTICE_KEYS})
    return rows


def declarations_for(user: Any, action: str = roles.VIEW) -> QuerySet[SelfDeclaration]:
    return access.scope(SelfDeclaration.objects.all(), user, MODULE, action, area_path="area_path")


def declaration_get(user: Any, pk: int, action: str = roles.VIEW) -> SelfDeclaration:
    rows = SelfDeclaration.objects.select_related("village")
    return access.get_for(rows, user, MODULE, action, area_path="area_path", pk=pk)


def household_cases(household: Household) -> QuerySet[Case]:
    return Case.objects.filter(household=household).select_related("step").order_by("-opened_on")


def measures_for(case: Case) -> QuerySet[CaseMeasure]:
    return case.measures.all()


def open_reports(user: Any) -> QuerySet[VisitReport]:
    """Difficulties reported from visits that no case has taken yet."""
    rows = VisitReport.objects.filter(status=VisitReport.Status.OPEN)
    return access.scope(rows, user, MODULE, roles.EDIT, area_path="area_path")
