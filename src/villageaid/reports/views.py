from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from villageaid.core import access, clock, roles
from villageaid.core import pdf as core_pdf
from villageaid.reports import brief, selectors
from villageaid.reports.api import area_for

MODULE = roles.Module.REPORTS
CHART_KEYS = [
    "households_visited",
    "clues_raised",
    "cases_opened",
    "median_days_clue_to_decision",
    "greenhouse_temp_in_band_pct",
    "harvest_jin",
    "sales_yuan",
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
    return {
        "area": area,
        "start": start,
        "end": end,
        "card": card,
        "groups": selectors.grouped(card["figures"]),
    }


def _chart(area: Any, year: int) -> dict[str, Any]:
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        selectors.scorecard(area=area, start=first, end=last)  # stored once, then read
    series = selectors.monthly_series_ranges(area=area, year=year, keys=CHART_KEYS)
    labels = {
        "households_visited": "走访农户",
        "clues_raised": "预警线索",
        "cases_opened": "监测案件",
        "harvest_jin": "产量（斤）",
        "sales_yuan": "销售额（元）",
        "median_days_clue_to_decision": "发现到认定（天）",
        "greenhouse_temp_in_band_pct": "棚温适宜（%）",
    }
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [labels[k] for k in CHART_KEYS]},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in range(1, 13)]},
        "yAxis": [{"type": "value"}, {"type": "value", "name": "斤 / 元"}],
        "series": [
            {
                "name": labels[k],
                "type": "bar" if k in {"harvest_jin", "sales_yuan"} else "line",
                "yAxisIndex": 1 if k in {"harvest_jin", "sales_yuan"} else 0,
                "data": series[k],
            }
            for k in CHART_KEYS
        ],
    }


@access.access(MODULE)
def scorecard(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["chart"] = _chart(context["area"], context["start"].year)
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
    html = render_to_string("reports/scorecard_print.html", _context(request), request=request)
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
