from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.errors import ServiceError
from villageaid.visits import selectors, services, work_views
from villageaid.visits.forms import VisitForm
from villageaid.visits.models import (
    ANSWER_LABELS,
    CHECKLIST,
    COUNT_LABELS,
    METHODS,
    MUST_VISIT_LABELS,
    DueVisit,
    Finding,
)

MODULE = roles.Module.VISITS


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@access.access(MODULE)
def visits_today(request: HttpRequest) -> HttpResponse:
    today = _day(request.GET.get("on"), clock.today())
    # Overdue first, then by date: what is late is what the helper must do first.
    overdue_first = Case(When(status=DueVisit.Status.OVERDUE, then=0), default=1)
    due = (
        selectors.due_for(request.user, on=today)
        .prefetch_related("household__members")
        .order_by(overdue_first, "due_on")
    )
    must = [
        (household, selectors.household_label(household), [MUST_VISIT_LABELS[r] for r in reasons])
        for household, reasons in selectors.must_visit_list(request.user, on=today)[:100]
    ]
    rows = [(row, selectors.household_label(row.household)) for row in due[:200]]
    can_report = access.allowed(request.user, roles.Module.CASES, roles.EDIT)
    context = {"today": today, "due": rows, "must": must, "can_report": can_report}
    return render(request, "visits/today.html", context)


@access.access(MODULE, roles.EDIT)
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk, roles.EDIT)
    initial = {
        "idempotency_key": uuid.uuid4().hex,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "outcome": "met",
    }
    form = VisitForm(
        request.POST or None, request.FILES or None, household=household, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit, created = services.visit_record(
            actor=request.user,
            household=household,
            visited_at=data["visited_at"],
            outcome=data["outcome"],
            members_met=[int(m) for m in data["members_met"]],
            checklist=form.checklist(),
            needs=data["needs"],
            suggestions=data["suggestions"],
            photo=data["photo"],
            signature=data["signature"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            tuopin_verified=household.household_type == "tuopin",
            idempotency_key=data["idempotency_key"],
            answers=form.answers(),
            income_change=data["income_change"],
        )
        if created and data["report"]:
            services.visit_report_difficulty(
                actor=request.user, household=household, description=data["report"], visit=visit
            )
        return redirect("visit-detail", pk=visit.pk)
    context = {
        "household": household,
        "label": selectors.household_label(household),
        "form": form,
        "can_report": access.allowed(request.user, roles.Module.CASES, roles.EDIT),
    }
    return render(request, "visits/visit_form.html", context)


@access.access(MODULE)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    answers = [
        (CHECKLIST[k], ANSWER_LABELS.get(v, v))
        for k, v in visit.checklist.items()
        if k in CHECKLIST
    ]
    context = {
        "visit": visit,
        "label": selectors.household_label(visit.household),
        "answers": answers,
        "counts": [(COUNT_LABELS[k], v) for k, v in visit.answers.items() if k in COUNT_LABELS],
        "members": visit.members_met.all(),
        "can_report": access.allowed(request.user, roles.Module.CASES, roles.EDIT),
    }
    return render(request, "visits/visit_detail.html", context)


@access.access(MODULE)
def coverage(request: HttpRequest) -> HttpResponse:
    end = _day(request.GET.get("end"), clock.today())
    start = _day(request.GET.get("start"), end - dt.timedelta(days=90))
    rows = selectors.coverage(request.user, start=start, end=end)
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "rows": rows,
        "chart": selectors.coverage_chart(rows["grid"] or rows["village"]),
    }
    return render(request, "visits/coverage.html", context)


@access.access(MODULE)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns, and for the city, county and township the set-up of a new one."""
    form, villages = work_views.campaign_form(request)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        campaign = work_views.campaign_create(request, form, villages)
        if campaign is not None:
            return redirect("campaign-detail", pk=campaign.pk)
    campaigns = selectors.campaigns_for(request.user).select_related("area")
    return render(request, "visits/campaign_list.html", {"campaigns": campaigns, "form": form})


@access.access(MODULE)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk)
    findings = Finding.objects.filter(campaign=campaign).filter(
        household__in=selectors.households_for(request.user)
    )
    if request.method == "POST" and request.POST.get("action") == "finding":
        return _finding_record(request, campaign)
    if request.method == "POST":
        return _finding_rectify(request, pk, findings)
    context = {
        "campaign": campaign,
        "summary": selectors.campaign_summary(campaign),
        "sample": [
            (h, selectors.household_label(h))
            for h in selectors.campaign_households(request.user, campaign).prefetch_related(
                "members"
            )
        ],
        "findings": [
            (f, selectors.household_label(f.household))
            for f in findings.select_related("household").prefetch_related("household__members")
        ],
        "progress": selectors.campaign_progress(request.user, campaign),
        "rate": campaign.sample_rate,
        "checklist": [CHECKLIST.get(c, c) for c in campaign.checklist],
        "methods": [METHODS.get(m, m) for m in campaign.methods],
        "can_edit": access.can(request.user, MODULE, roles.EDIT, campaign.area),
        "can_assess": access.allowed(request.user, MODULE, roles.ASSESS),
        "statuses": Finding.Status.choices,
        "kinds": Finding.Kind.choices,
    }
    return render(request, "visits/campaign_detail.html", context)


def _finding_record(request: HttpRequest, campaign: Any) -> HttpResponse:
    """A finding on one of the campaign's sampled households (the assessor's form)."""
    campaign = selectors.campaign_get(request.user, campaign.pk, roles.ASSESS)
    household = get_object_or_404(
        selectors.campaign_households(request.user, campaign), pk=request.POST.get("household")
    )
    description = request.POST.get("description", "").strip()
    try:
        if not description:
            raise ServiceError(_("请填写发现的情况"), code="description")
        services.finding_record(
            actor=request.user,
            campaign=campaign,
            household=household,
            kind=request.POST.get("kind", ""),
            description=description[:2000],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已记录 %(code)s 的问题。") % {"code": selectors.household_label(household)}
        )
    return redirect("campaign-detail", pk=campaign.pk)


def _finding_rectify(request: HttpRequest, pk: int, findings: Any) -> HttpResponse:
    """Rectification tracking of a finding, posted from the campaign dashboard."""
    selectors.campaign_get(request.user, pk, roles.EDIT)
    finding = get_object_or_404(findings, pk=request.POST.get("finding"))
    try:
        services.finding_rectify(
            actor=request.user,
            finding=finding,
            status=request.POST.get("status", ""),
            rectification=request.POST.get("rectification", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("campaign-detail", pk=pk)


@access.access(MODULE)
def party(request: HttpRequest) -> HttpResponse:
    """Condolence visits with their goods ledger, village rules and study tours."""
    context = {
        "condolences": [
            (v, selectors.household_label(v.household) if v.household else "")
            for v in selectors.condolences_for(request.user)[:200]
        ],
        "can_record": access.allowed(request.user, MODULE, roles.EDIT),
        "goods": selectors.goods_totals(request.user),
        "records": selectors.village_records_for(request.user)[:50],
    }
    return render(request, "visits/party.html", context)


@access.access(MODULE)
def points_ranking(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village", "")
    rows = selectors.points_ranking(request.user, village=village)
    villages = access.visible_areas(request.user).filter(level="village")
    context = {"rows": rows, "village": village, "villages": villages}
    return render(request, "visits/points.html", context)
