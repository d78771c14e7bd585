"""Pages for the sales clerk (phone and laptop)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles, units
from villageaid.core.errors import ServiceError
from villageaid.sales import exports, labels, selectors, services

MODULE = roles.Module.SALES


def _day(request: HttpRequest, name: str = "day") -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return clock.today()


@access.access(MODULE)
def today(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    orders = selectors.orders_on(request.user, day)
    context: dict[str, Any] = {
        "day": day,
        "orders": orders.order_by("-created_at")[:200],
        "order_count": orders.count(),
        "channels": selectors.channel_totals(orders),
        "runs": selectors.runs_for(request.user).filter(date=day),
        "deliveries": selectors.orders_for(request.user)
        .filter(deliver_on=day)
        .order_by("customer__name"),
    }
    return render(request, "sales/today.html", context)


@access.access(MODULE)
def lot_list(request: HttpRequest) -> HttpResponse:
    lots = selectors.lots_for(request.user).prefetch_related("quotas__channel")
    if request.GET.get("all") != "1":
        lots = lots.filter(grams_available__gt=0)
    today_ = clock.today()
    rows = [(lot, lot.days_left(today_)) for lot in lots.order_by("expires_on", "pk")[:200]]
    return render(request, "sales/lot_list.html", {"rows": rows, "all": request.GET.get("all")})


@access.access(MODULE)
def live_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _live_open(request)
    sessions = selectors.live_sessions_for(request.user)[:50]
    context = {
        "rows": [(s, selectors.live_counter(s)) for s in sessions],
        "lots": selectors.lots_in_stock(request.user)
        if access.allowed(request.user, MODULE, roles.EDIT)
        else [],
    }
    return render(request, "sales/live_list.html", context)


def _live_open(request: HttpRequest) -> HttpResponse:
    try:
        lot = selectors.lot_get(request.user, int(request.POST.get("lot", "0")), roles.EDIT)
        grams = units.grams_from_jin(request.POST.get("quota_jin", "0"))
        session = services.live_session_open(
            lot=lot,
            grams_quota=grams,
            title=request.POST.get("title", "").strip() or _("直播"),
            actor=request.user,
        )
    except (
        ValueError,
        ServiceError,
    ) as exc:  # UnitError is a ValueError: inf/nan/text  # inf/nan jin: not a quota
        messages.error(request, getattr(exc, "message", _("请填写批次和配额")))
        return redirect("sales-live-list")
    return redirect("sales-live", pk=session.pk)


@access.access(MODULE)
def live_host(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.live_session_get(request.user, pk)
    if request.method == "POST":
        if not access.can(request.user, MODULE, roles.EDIT, session.area_path):
            raise PermissionDenied
        services.live_session_close(session=session, actor=request.user)
        messages.success(request, _("直播已结束"))
        return redirect("sales-live", pk=pk)
    context = {
        "session": session,
        "counter": selectors.live_counter(session),
        "can_edit": access.can(request.user, MODULE, roles.EDIT, session.area_path),
    }
    return render(request, "sales/live_host.html", context)


@access.access(MODULE)
def live_counter(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.live_session_get(request.user, pk)
    context = {"session": session, "counter": selectors.live_counter(session)}
    return render(request, "sales/_live_counter.html", context)


@access.access(MODULE)
def group_pick_lists(request: HttpRequest) -> HttpResponse:
    day = _day(request) if request.GET.get("day") else None
    context = {"lists": selectors.pick_lists(request.user, day), "day": day}
    return render(request, "sales/pick_lists.html", context)


@access.access(MODULE)
def group_verify(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.get_for(
        selectors.groups_for(request.user), request.user, MODULE, area_path="area_path", pk=pk
    )
    if request.method == "POST":
        if not access.can(request.user, MODULE, roles.EDIT, group.area_path):
            raise PermissionDenied
        try:
            order = services.pickup_verify(
                group=group, code=request.POST.get("code", ""), actor=request.user
            )
            messages.success(
                request,
                _("核销成功：订单 #%(pk)s，%(jin)s 斤") % {"pk": order.pk, "jin": order.jin},
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("sales-group-verify", pk=pk)
    return render(request, "sales/group_verify.html", {"group": group})


@access.access(MODULE)
def ledger(request: HttpRequest) -> HttpResponse:
    start = _day(request, "start") if request.GET.get("start") else None
    end = _day(request, "end") if request.GET.get("end") else None
    statement = selectors.income_statement(request.user, start, end)
    orders = selectors.orders_for(request.user)
    context = {
        "statement": statement,
        "start": start,
        "end": end,
        "buyers": selectors.buyer_type_totals(orders),
        "channels": selectors.channel_totals(orders),
        "can_export": access.allowed(request.user, MODULE, roles.EXPORT),
    }
    return render(request, "sales/ledger.html", context)


def _purchases(request: HttpRequest) -> Any:
    start = _day(request, "start") if request.GET.get("start") else None
    end = _day(request, "end") if request.GET.get("end") else None
    return exports.purchases(selectors.orders_for(request.user), start, end)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access.access(MODULE, roles.EXPORT)
def purchases_csv(request: HttpRequest) -> HttpResponse:
    """832-style purchase statistics (staff and budget-unit purchases) as CSV."""
    content = exports.purchases_csv(orders=_purchases(request), actor=request.user)
    return _attachment(content, "text/csv; charset=utf-8", "purchases-832.csv")


@access.access(MODULE, roles.EXPORT)
def purchases_xlsx(request: HttpRequest) -> HttpResponse:
    """The same as XLSX, with a per-unit summary sheet."""
    content = exports.purchases_xlsx(orders=_purchases(request), actor=request.user)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(content, xlsx, "purchases-832.xlsx")


@access.access(MODULE)
def run_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    stops = run.stops.prefetch_related("orders").all()
    return render(request, "sales/run_sheet.html", {"run": run, "stops": stops})


@access.access(MODULE)
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A lot's trace: back to houses, crop cycles and climate, forward to its orders."""
    lot = selectors.lot_get(request.user, pk)
    context = {
        **selectors.lot_trace(lot),
        "orders": selectors.lot_orders(lot)[:200],
        "days_left": lot.days_left(),
        "public_url": request.build_absolute_uri(
            reverse("sales-lot-public", args=[lot.public_token])
        ),
    }
    return render(request, "sales/lot_detail.html", context)


@access.access(MODULE)
def lot_label(request: HttpRequest, pk: int) -> HttpResponse:
    """The box label: product, grade, dates, weight and the QR code of the public page."""
    lot = selectors.lot_get(request.user, pk)
    url = request.build_absolute_uri(reverse("sales-lot-public", args=[lot.public_token]))
    context = {"lot": lot, "url": url, "qr_svg": labels.qr_svg(url)}
    return render(request, "sales/lot_label.html", context)


@access.public
def lot_public(request: HttpRequest, token: str) -> HttpResponse:
    """What a buyer sees after scanning the box: where and when it grew, no personal data."""
    lot = selectors.lot_by_token(token)
    trace = selectors.lot_trace(lot)
    return render(request, "sales/lot_public.html", {**trace, "days_left": lot.days_left()})
