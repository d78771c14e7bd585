"""The eligibility worksheet page and PDF, with the time-travel comparison (``?compare=``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from villageaid.cases import worksheet
from villageaid.core import access, roles
from villageaid.core import pdf as core_pdf
from villageaid.policy.models import PolicyVersion
from villageaid.registry.models import Household

MODULE = roles.Module.CASES
TIME_TRAVEL_TO = "NAT-2026"


def _context(request: HttpRequest, pk: int) -> dict[str, Any]:
    household = access.get_for(
        Household.objects.select_related("village").prefetch_related("members", "incomes"),
        request.user,
        MODULE,
        area_path="area_path",
        pk=pk,
    )
    try:
        on = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    on = min(max(on, dt.date(2000, 1, 1)), timezone.localdate())
    sheets = [worksheet.build(household, on)]
    compare = request.GET.get("compare", "")
    if compare and PolicyVersion.objects.filter(code=compare).exists():
        sheets.append(worksheet.build(household, on, version=compare))
    return {
        "household": household,
        "on": on,
        "sheets": sheets,
        "compare": compare,
        "time_travel_to": TIME_TRAVEL_TO,
    }


@access.access(MODULE)
def worksheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "cases/worksheet.html", _context(request, pk))


@access.access(MODULE)  # the printed form of a record one may view (issue 18 matrix: D)
def worksheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = {**_context(request, pk), "printing": True}
    html = render_to_string("cases/worksheet_print.html", context, request=request)
    try:
        pdf = core_pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except core_pdf.FontMissing:
        messages.error(request, core_pdf.font_missing_message())
        return redirect(reverse("case-worksheet", args=[pk]))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="worksheet-{context["household"].code}.pdf"'
    )
    return response
