"""Planning pages: the equipment investment (from the cached simulator runs) and the seed
article's what-if of a later start (greenhouse/whatif.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from villageaid.core import access, roles
from villageaid.greenhouse import investment, selectors, whatif
from villageaid.greenhouse.planning_forms import WhatIfForm

MODULE = roles.Module.GREENHOUSE


def _investment_chart(tables: dict[str, list[dict[str, Any]]], goal: float) -> dict[str, Any]:
    labels = [str(r["label"]) for r in next(iter(tables.values()), [])]
    series: list[dict[str, Any]] = []
    for trace, rows in tables.items():
        series.append(
            {
                "name": str(investment.TRACES[trace][1]),
                "type": "bar",
                "data": [r["tib_joint_pct"] for r in rows],
                "markLine": {"silent": True, "data": [{"yAxis": goal}]} if not series else {},
            }
        )
    first = next(iter(tables.values()), [])
    series.append(
        {
            "name": _("每棚一季费用（元）"),
            "type": "line",
            "yAxisIndex": 1,
            "data": [r["cost_per_house"] for r in first],
        }
    )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 45, "right": 55, "top": 50, "bottom": 80},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30}},
        "yAxis": [
            {"type": "value", "name": "%", "min": 0, "max": 100},
            {"type": "value", "name": _("元")},
        ],
        "series": series,
    }


@access.access(MODULE)
def investment_page(request: HttpRequest) -> HttpResponse:
    houses = selectors.houses_visible(request.user).count()
    doc = investment.load_results()
    context: dict[str, Any] = {"houses": houses, "doc": doc, "goal": investment.GOAL_JOINT_PCT}
    if doc:
        tables = investment.table(doc, houses)
        context["tables"] = [
            {
                "key": trace,
                "label": investment.TRACES[trace][1],
                "rows": rows,
                "recommendation": investment.recommendation(rows),
            }
            for trace, rows in tables.items()
        ]
        context["chart"] = _investment_chart(tables, investment.GOAL_JOINT_PCT)
        context["computed_at"] = dt.datetime.fromisoformat(doc["computed_at"])
    return render(request, "greenhouse/investment.html", context)


def _whatif_chart(chosen: whatif.Season, reference: whatif.Season) -> dict[str, Any]:
    def cumulative(season: whatif.Season) -> list[list[Any]]:
        total, out = 0.0, []
        for day, kg, price in season.daily:
            total += kg * 2 * price
            out.append([day.isoformat(), round(total)])
        return out

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": _("元")},
        "series": [
            {
                "name": _("2月11日复工（文章）"),
                "type": "line",
                "showSymbol": False,
                "data": cumulative(reference),
            },
            {
                "name": _("所选日期复工"),
                "type": "line",
                "showSymbol": False,
                "data": cumulative(chosen),
            },
        ],
    }


@access.access(MODULE)
def whatif_page(request: HttpRequest) -> HttpResponse:
    """GET only: the form and, when it is filled in, the estimate."""
    houses = selectors.houses_visible(request.user).count() or 10
    initial = {
        "start": whatif.USUAL_START,
        "option": "none",
        "houses": houses,
        "yield_kg_per_mu": whatif.DEFAULT_YIELD_KG_PER_MU,
        "price_early": whatif.DEFAULT_PRICE_EARLY,
        "price_late": whatif.DEFAULT_PRICE_LATE,
    }
    form = WhatIfForm(request.GET or None, initial=initial)
    context: dict[str, Any] = {"form": form, "model": whatif}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        margins = investment.night_margins(investment.load_results())
        single = margins.get("none", whatif.DEFAULT_MARGIN_K)
        inp = whatif.Inputs(
            start=data["start"],
            margin_k=margins.get(data["option"], whatif.DEFAULT_MARGIN_K),
            mu=data["houses"] * investment.HOUSE_MU,
            yield_kg_per_mu=float(data["yield_kg_per_mu"]),
            price_early=float(data["price_early"]),
            price_late=float(data["price_late"]),
            single_film_margin_k=single,
        )
        year = data["start"].year
        chosen = whatif.season(inp)
        reference = whatif.season(whatif.with_start(inp, whatif.reference_start(year)))
        usual = whatif.season(whatif.with_start(inp, whatif.USUAL_START.replace(year=year)))
        context.update(
            {
                "inp": inp,
                "chosen": chosen,
                "reference": reference,
                "usual": usual,
                "loss": reference.revenue_yuan - chosen.revenue_yuan,
                "gain": chosen.revenue_yuan - reference.revenue_yuan,
                "usual_loss": reference.revenue_yuan - usual.revenue_yuan,
                "losing_start": whatif.start_losing(inp, whatif.ARTICLE_LOSS_YUAN),
                "option_label": dict(form.fields["option"].choices)[data["option"]],  # type: ignore[attr-defined]
                "margin_from_sim": data["option"] in margins,
                "chart": _whatif_chart(chosen, reference),
            }
        )
    return render(request, "greenhouse/whatif.html", context)
