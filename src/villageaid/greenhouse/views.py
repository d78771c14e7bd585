"""Greenhouse pages: the park at a glance, a house, the alert inbox, harvest entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, roles, units
from villageaid.core.errors import ServiceError
from villageaid.core.templatetags.va_time import chart_time
from villageaid.greenhouse import selectors, services
from villageaid.greenhouse.forms import HarvestForm, OverrideForm
from villageaid.greenhouse.models import Actuator

MODULE = roles.Module.GREENHOUSE
CHART_HOURS = 24
# The house chart's ranges (hours); beyond selectors.RAW_CHART_SPAN they come from the rollups.
CHART_RANGES = (6, 24, 24 * 7, 24 * 30)


@access.access(MODULE)
def park(request: HttpRequest) -> HttpResponse:
    context = {"tiles": selectors.park_tiles(request.user), "now": timezone.now()}
    return render(request, "greenhouse/park.html", context)


@access.access(MODULE)
def park_tiles(request: HttpRequest) -> HttpResponse:
    """The tiles alone, for htmx to swap in every few seconds."""
    context = {"tiles": selectors.park_tiles(request.user), "now": timezone.now()}
    return render(request, "greenhouse/_tiles.html", context)


def _chart_hours(request: HttpRequest) -> int:
    raw = request.GET.get("hours", "")
    return int(raw) if raw.isdigit() and int(raw) in CHART_RANGES else CHART_HOURS


def _chart(house: Any, band: Any, now: dt.datetime, hours: int = CHART_HOURS) -> dict[str, Any]:
    start = now - dt.timedelta(hours=hours)
    series: list[dict[str, Any]] = []
    for key, name, axis, unit in (("air_temp", _("气温"), 0, "°C"), ("air_rh", _("湿度"), 1, "%")):
        sensor = selectors.house_sensor(house, key)
        points = selectors.sensor_history(sensor, start, now) if sensor else []
        item: dict[str, Any] = {
            "name": f"{name} {unit}",
            "type": "line",
            "showSymbol": False,
            "yAxisIndex": axis,
            "data": [[chart_time(ts), round(v, 2)] for ts, v in points],
        }
        if band is not None:
            low, high = (
                (band.temp_min_c, band.temp_max_c)
                if axis == 0
                else (band.rh_min_pct, band.rh_max_pct)
            )
            item["markArea"] = {
                "silent": True,
                "itemStyle": {"opacity": 0.12},
                "data": [[{"yAxis": low}, {"yAxis": high}]],
            }
        series.append(item)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 40, "top": 30, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": [
            {"type": "value", "name": "°C", "scale": True},
            {"type": "value", "name": "%", "min": 0, "max": 100},
        ],
        "series": series,
    }


def _house_context(request: HttpRequest, house: Any, form: OverrideForm | None) -> dict[str, Any]:
    now = timezone.now()
    hours = _chart_hours(request)
    band = selectors.house_band(house)
    actuators = list(house.actuators.all())
    can_edit = access.can(request.user, MODULE, roles.EDIT, house.park.area_path)
    if form is None and can_edit:
        form = OverrideForm(actuators=[(a.kind, a.get_kind_display()) for a in actuators])
    return {
        "house": house,
        "tile": selectors.house_tile(house, now),
        "band": band,
        "latest": selectors.house_latest(house, now),
        "chart": _chart(house, band, now, hours),
        "chart_hours": hours,
        "chart_ranges": [
            (h, _("%(n)d天") % {"n": h // 24} if h >= 48 else _("%(n)d小时") % {"n": h})
            for h in CHART_RANGES
        ],
        "commands": selectors.house_commands(house),
        "advice": selectors.house_advice(house),
        "actuators": actuators,
        "alerts": house.alerts.filter(closed_at__isnull=True),
        "form": form,
        "can_edit": can_edit,
        "now": now,
    }


@access.access(MODULE)
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = selectors.house_get(request.user, pk)
    return render(request, "greenhouse/house.html", _house_context(request, house, None))


@access.access(MODULE, roles.EDIT)
def house_override(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the override form; POST: hand an actuator to the technician for some minutes."""
    house = selectors.house_get(request.user, pk, roles.EDIT)
    actuators = {a.kind: a for a in house.actuators.all()}
    form = OverrideForm(
        request.POST or None,
        actuators=[(a.kind, a.get_kind_display()) for a in actuators.values()],
    )
    if request.method == "POST" and form.is_valid():
        actuator: Actuator = actuators[form.cleaned_data["actuator"]]
        try:
            services.actuator_override_set(
                actuator=actuator,
                value=form.cleaned_data["value"],
                minutes=form.cleaned_data["minutes"],
                actor=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已人工接管，控制器到期前不会改动"))
            return redirect("greenhouse-house", pk=house.pk)
    return render(request, "greenhouse/override.html", {"house": house, "form": form})


@access.access(MODULE)
def alert_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    rows = selectors.alerts_visible(request.user, open_only=not show_all)
    return render(
        request,
        "greenhouse/alerts.html",
        {"alerts": rows.order_by("-opened_at")[:200], "show_all": show_all},
    )


@access.access(MODULE, roles.EDIT)
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the alert; POST: acknowledge it."""
    alert = selectors.alert_get(request.user, pk, roles.EDIT)
    if request.method == "POST":
        services.alert_acknowledge(alert=alert, actor=request.user)
        messages.success(request, _("已确认"))
        return redirect("greenhouse-alerts")
    return render(request, "greenhouse/alert.html", {"alert": alert})


@access.access(MODULE, roles.EDIT)
def harvest_new(request: HttpRequest) -> HttpResponse:
    houses = selectors.houses_visible(request.user)
    form = HarvestForm(request.POST or None, request.FILES or None, houses=houses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.harvest_record(
                house=data["house"],
                date=data["date"],
                grade=data["grade"],
                grams=form.grams,
                picked_by=data["picked_by"],
                note=data["note"],
                photo=data.get("photo"),
                actor=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录采收 %(jin)s 斤，已入库") % {"jin": data["jin"]})
            return redirect("greenhouse-harvest")
    recent = selectors.harvests_visible(request.user).order_by("-date", "-pk")[:30]
    context = {
        "form": form,
        "recent": recent,
        "total_jin": units.jin(selectors.harvest_total_grams(request.user)),
    }
    return render(request, "greenhouse/harvest.html", context)
