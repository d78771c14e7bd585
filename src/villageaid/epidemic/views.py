from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from villageaid.core import access, clock, roles
from villageaid.core.errors import ServiceError
from villageaid.epidemic import forms, ledger, returnees, selectors, services
from villageaid.epidemic.models import (
    NOTICE_TEXT,
    Checkpoint,
    EpidemicCase,
    GateAlert,
    ParkWorker,
    Round,
)

MODULE = roles.Module.EPIDEMIC


def _villages(request: HttpRequest) -> Any:
    return access.visible_areas(request.user).filter(level="village")


def _can_edit(request: HttpRequest) -> bool:
    return access.allowed(request.user, MODULE, roles.EDIT)


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return clock.today()


def _int(value: str | None) -> int:
    """A posted id; anything else is an id nobody has (so the loader answers 404)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _require_edit(request: HttpRequest, area_path: str) -> None:
    access.require(request.user, MODULE, roles.EDIT, area_path)


@access.access(MODULE)
def gate_index(request: HttpRequest) -> HttpResponse:
    checkpoints = list(selectors.checkpoints_for(request.user))
    if len(checkpoints) == 1:  # one gate: its quick entry, without a redirect
        return gate_entry(request, checkpoints[0].pk)
    return render(request, "epidemic/gate_index.html", {"checkpoints": checkpoints})


@access.access(MODULE)
def gate_entry(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    """The one-screen quick entry; a plain POST form whose answer is this same light page."""
    checkpoint = selectors.get(Checkpoint, request.user, checkpoint_id)
    result, error, form = None, "", None
    if request.method == "POST":
        _require_edit(request, checkpoint.area_path)
        posted = forms.GateForm(request.POST)
        if posted.is_valid():
            try:
                result = services.passage_record(
                    checkpoint=checkpoint, actor=request.user, **posted.cleaned_data
                )
            except ServiceError as exc:
                error, form = exc.message, posted
        else:
            error, form = "请检查填写内容", posted
    sticky = {k: request.POST.get(k) for k in ("party", "direction") if request.POST.get(k)}
    context = {
        "checkpoint": checkpoint,
        "form": form or forms.GateForm(initial={**sticky, "client_token": uuid.uuid4().hex}),
        "result": result,
        "error": error,
        "notice": NOTICE_TEXT,
        "closure": returnees.closure_for(checkpoint.village),
        "today": selectors.passages_for(request.user, day=clock.today())
        .filter(checkpoint=checkpoint)
        .count(),
        "can_edit": _can_edit(request),
    }
    return render(request, "epidemic/gate_entry.html", context)


@access.access(MODULE)
def passage_list(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    rows = selectors.passages_for(request.user, day=day).order_by("-at")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "epidemic/passage_list.html", {"page": page, "day": day})


@access.access(MODULE)
def passage_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk entry from a paper ledger: all lines or none."""
    checkpoints = list(selectors.checkpoints_for(request.user))
    form = forms.BulkForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        checkpoint = selectors.get(Checkpoint, request.user, _int(request.POST.get("checkpoint")))
        _require_edit(request, checkpoint.area_path)
        rows, errors = ledger.parse(form.cleaned_data["lines"], form.cleaned_data["day"])
        if not errors:
            try:
                done = services.passages_bulk_record(
                    checkpoint=checkpoint, rows=rows, actor=request.user
                )
            except ServiceError as exc:
                errors = [exc.message]
            else:
                refused = sum(1 for p in done if p.decision == "refused")
                messages.success(request, f"已录入 {len(done)} 条，其中禁止进入 {refused} 条")
                return redirect(f"{_url('epidemic-passages')}?day={form.cleaned_data['day']}")
    context = {"form": form, "checkpoints": checkpoints, "errors": errors, "notice": NOTICE_TEXT}
    return render(request, "epidemic/passage_bulk.html", context)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@access.access(MODULE)
def worker_list(request: HttpRequest) -> HttpResponse:
    villages = _villages(request)
    form = forms.WorkerForm(request.POST or None, request.FILES or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = data.pop("village")
        _require_edit(request, village.path)
        services.worker_register(village=village, actor=request.user, **data)
        messages.success(request, f"已登记 {data['name']}")
        return redirect("epidemic-workers")
    workers = selectors.workers_for(request.user).order_by("excluded", "name")
    context = {"workers": workers, "form": form, "can_edit": _can_edit(request)}
    return render(request, "epidemic/worker_list.html", context)


@access.access(MODULE)
def round_sheet(request: HttpRequest) -> HttpResponse:
    """Today's temperature round (morning or afternoon), one input per worker."""
    date = _day(request.GET.get("date") or request.POST.get("date"))
    default_round = "am" if timezone.localtime().hour < 12 else "pm"
    current = request.GET.get("round") or request.POST.get("round") or default_round
    current = current if current in Round.values else default_round
    workers = list(selectors.workers_for(request.user).filter(excluded=False))
    if request.method == "POST":
        saved, fevers = _save_round(request, workers, date, current)
        messages.success(
            request, f"已记录 {saved} 人" + (f"，发热 {fevers} 人已停工" if fevers else "")
        )
        return redirect(f"{_url('epidemic-rounds')}?date={date}&round={current}")
    readings = selectors.rounds_on(request.user, date, current)
    rows = [(w, readings.get(w.pk)) for w in workers if w.eligible or w.pk in readings]
    context = {
        "rows": rows,
        "date": date,
        "round": current,
        "rounds": Round.choices,
        "missing": sum(1 for _w, r in rows if r is None),
        "can_edit": _can_edit(request),
        "notice": NOTICE_TEXT,
    }
    return render(request, "epidemic/round_sheet.html", context)


def _save_round(
    request: HttpRequest, workers: list[ParkWorker], date: dt.date, current: str
) -> tuple[int, int]:
    saved = fevers = 0
    for worker in workers:
        value = request.POST.get(f"t{worker.pk}", "").strip()
        if not value:
            continue
        _require_edit(request, worker.area_path)
        try:
            row = services.temperature_round_record(
                worker=worker, date=date, round=current, temperature=value, actor=request.user
            )
        except ServiceError as exc:
            messages.error(request, f"{worker.name}: {exc.message}")
            continue
        saved += 1
        fevers += row.fever
    return saved, fevers


@access.access(MODULE)
def disinfection(request: HttpRequest) -> HttpResponse:
    form = forms.DisinfectionForm(request.POST or None, villages=_villages(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = data.pop("village")
        _require_edit(request, village.path)
        services.disinfection_record(village=village, actor=request.user, **data)
        messages.success(request, "已记录消毒")
        return redirect("epidemic-disinfection")
    today = timezone.localdate()
    context = {
        "form": form,
        "rows": selectors.disinfections_for(request.user).order_by("-at")[:100],
        "missing": selectors.disinfection_missing(request.user, today),
        "can_edit": _can_edit(request),
    }
    return render(request, "epidemic/disinfection.html", context)


@access.access(MODULE)
def supplies(request: HttpRequest) -> HttpResponse:
    villages = _villages(request)
    action = request.POST.get("action", "")
    handout = forms.HandOutForm(
        request.POST if action == "handout" else None, villages=villages, prefix="h"
    )
    receive = forms.ReceiveForm(
        request.POST if action == "receive" else None, villages=villages, prefix="r"
    )
    form = handout if action == "handout" else receive
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = data.pop("village")
        _require_edit(request, village.path)
        try:
            if action == "handout":
                services.supplies_hand_out(village=village, actor=request.user, **data)
            else:
                services.supplies_receive(village=village, actor=request.user, **data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已记账")
            return redirect("epidemic-supplies")
    context = {
        "handout": handout,
        "receive": receive,
        "stock": selectors.stock_for(request.user),
        "ledger": selectors.ledger_for(request.user).order_by("-at")[:200],
        "can_edit": _can_edit(request),
    }
    return render(request, "epidemic/supplies.html", context)


@access.access(MODULE)
def alerts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        alert = selectors.get(GateAlert, request.user, _int(request.POST.get("alert")), roles.EDIT)
        services.alert_resolve(alert=alert, actor=request.user)
        return redirect("epidemic-alerts")
    rows = selectors.alerts_for(request.user).select_related("township")[:200]
    return render(request, "epidemic/alerts.html", {"rows": rows, "can_edit": _can_edit(request)})


@access.access(MODULE)
def overview(request: HttpRequest) -> HttpResponse:
    """Closures, the duty roster, case records and this year's figures of the user's area."""
    form = forms.CaseForm(request.POST or None, villages=_villages(request))
    if request.method == "POST":
        if request.POST.get("case"):
            case = selectors.get(EpidemicCase, request.user, _int(request.POST["case"]), roles.EDIT)
            try:
                services.case_transition(
                    case=case,
                    status=request.POST.get("status", ""),
                    on=timezone.localdate(),
                    actor=request.user,
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            return redirect("epidemic-overview")
        if form.is_valid():
            data = form.cleaned_data
            village = data.pop("village")
            _require_edit(request, village.path)
            services.case_record(village=village, actor=request.user, **data)
            return redirect("epidemic-overview")
    end = _day(request.GET.get("end"))
    start = _day(request.GET.get("start") or end.replace(month=1, day=1).isoformat())
    area = access.visible_areas(request.user).order_by("path").first()
    context = {
        "closures": selectors.closures_for(request.user),
        "shifts": selectors.guard_shifts_for(request.user, since=timezone.now())[:20],
        "cases": selectors.cases_for(request.user)[:100],
        "statuses": EpidemicCase.Status.choices,
        "figures": selectors.figures(area_path=area.path, start=start, end=end) if area else {},
        "area": area,
        "start": start,
        "end": end,
        "form": form,
        "can_edit": _can_edit(request),
    }
    return render(request, "epidemic/overview.html", context)
