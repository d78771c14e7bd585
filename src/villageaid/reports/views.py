from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from villageaid.core import access, clock, roles
from villageaid.core import pdf as core_pdf
from villageaid.reports import brief, charts, selectors
from villageaid.reports.api import area_for

MODULE = roles.Module.REPORTS
# The cover's headline figures, in the order of the seed article.
COVER_KEYS = [
    "households_visited",
    "people_visited",
    "tuopin_households_verified",
    "marginal_households_found",
    "masks_distributed",
    "harvest_jin",
    "livestream_yuan",
    "sales_yuan",
    "greenhouse_temp_in_band_pct",
]


def _params(request: HttpRequest) -> tuple[Any, dt.date, dt.date]:
    today = clock.today()
    default_area = access.visible_areas(request.user).order_by("path").first()
    code = request.GET.get("area") or (default_area.code if default_area else "")
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        start, end = dt.date(today.year, 1, 1), today
    return area_for(request.user, code), start, end


def _context(request: HttpRequest) -> dict[str, Any]:
    area, start, end = _params(request)
    card = selectors.scorecard(area=area, start=start, end=end)
    computed = card["computed_at"]
    return {
        "computed_at": timezone.localtime(dt.datetime.fromisoformat(computed))
        if computed
        else None,
        "area": area,
        "start": start,
        "end": end,
        "card": card,
        "groups": selectors.grouped(card["figures"]),
    }


@access.access(MODULE)
def scorecard(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["charts"] = [
        {"id": f"scorecard-chart-{c.key}", "option": charts.echarts_option(c)}
        for c in charts.charts_for(context["area"], context["start"], context["end"])
    ]
    context["areas"] = access.visible_areas(request.user).filter(
        level__in=["village", "township", "county", "city"]
    )[:500]
    return render(request, "reports/scorecard.html", context)


@access.access(MODULE, roles.EXPORT)
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    from villageaid.core.sheets import safe_cell

    context = _context(request)
    book = Workbook()
    sheet = book.active
    sheet.title = "成绩单"
    sheet.append([f"{context['area'].name} 成绩单", f"{context['start']} 至 {context['end']}"])
    for group in context["groups"]:
        sheet.append([str(group["title"])])
        for row in group["rows"]:
            sheet.append([safe_cell(str(row["label"])), row["value"], str(row["unit"])])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="scorecard-{context["area"].code}.xlsx"'
    )
    return response


@access.access(MODULE, roles.EXPORT)
def scorecard_pdf(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    rows = {row["key"]: row for group in context["groups"] for row in group["rows"]}
    context["cover"] = [rows[key] for key in COVER_KEYS if key in rows]
    context["svgs"] = [
        charts.svg(c) for c in charts.charts_for(context["area"], context["start"], context["end"])
    ]
    html = render_to_string("reports/scorecard_print.html", context, request=request)
    try:
        pdf = core_pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except core_pdf.FontMissing:
        messages.error(request, core_pdf.font_missing_message())
        return redirect(request.get_full_path().replace("scorecard.pdf", "scorecard/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="scorecard.pdf"'
    return response


@access.access(MODULE)
def work_brief(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["draft"] = brief.draft(
        area=context["area"],
        start=context["start"].isoformat(),
        end=context["end"].isoformat(),
        figures=context["card"]["figures"],
    )
    return render(request, "reports/brief.html", context)
