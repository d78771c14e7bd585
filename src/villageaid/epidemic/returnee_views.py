"""Pages of the returnee observation list and the village's closed mode (封村)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.errors import ServiceError
from villageaid.epidemic import forms, returnees, selectors
from villageaid.epidemic.models import NOTICE_TEXT, Passage, Returnee, Symptom, VillageClosure

MODULE = roles.Module.EPIDEMIC


def _villages(request: HttpRequest) -> Any:
    return access.visible_areas(request.user).filter(level="village")


def _can_edit(request: HttpRequest) -> bool:
    return access.allowed(request.user, MODULE, roles.EDIT)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@access.access(MODULE)
def returnee_list(request: HttpRequest) -> HttpResponse:
    """Everyone under observation in the user's villages, the unwell and overdue first."""
    today = clock.today()
    show_all = request.GET.get("all") == "1"
    rows = selectors.returnee_rows(request.user, today, observing_only=not show_all)
    context = {
        "rows": rows,
        "today": today,
        "show_all": show_all,
        "overdue": sum(1 for r in rows if r["missed"] or r["due_today"]),
        "can_edit": _can_edit(request),
    }
    return render(request, "epidemic/returnee_list.html", context)


@access.access(MODULE, roles.EDIT)
def returnee_new(request: HttpRequest) -> HttpResponse:
    """Register a returnee, from the gate's log (``?passage=``) or from a visit."""
    passage = None
    passage_id = _int(request.POST.get("passage") or request.GET.get("passage"))
    if passage_id:
        passage = selectors.get(Passage, request.user, passage_id)
    initial: dict[str, Any] = {"arrived_on": clock.today()}
    if passage is not None:
        initial = {
            "passage": passage.pk,
            "arrived_on": passage.day,
            "origin": passage.travel_history,
            "area": passage.village,
        }
    areas = access.visible_areas(request.user).filter(level__in=["village", "grid"])
    areas = areas.select_related("parent").order_by("path")
    form = forms.ReturneeForm(request.POST or None, initial=initial, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = data.pop("area")
        data.pop("passage", None)
        access.require(request.user, MODULE, roles.EDIT, area.path)
        try:
            returnee = returnees.returnee_register(
                area=area, passage=passage, actor=request.user, **data
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已登记，观察 %(n)s 天，%(date)s 起可解除")
                % {"n": returnee.observation_days, "date": returnee.ends_on.isoformat()},
            )
            return redirect("epidemic-returnees")
    context = {"form": form, "passage": passage, "notice": NOTICE_TEXT}
    return render(request, "epidemic/returnee_new.html", context)


@access.access(MODULE)
def returnee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's observation: the daily check form, the days so far, and release."""
    returnee = selectors.get(Returnee, request.user, pk)
    today = clock.today()
    form = forms.CheckForm(
        request.POST if request.POST.get("action") == "check" else None,
        initial={"date": today},
    )
    if request.method == "POST":
        access.require(request.user, MODULE, roles.EDIT, returnee.area_path)
        try:
            if request.POST.get("action") == "release":
                returnees.returnee_release(returnee=returnee, on=today, actor=request.user)
                messages.success(request, _("已解除观察"))
                return redirect("epidemic-returnees")
            if form.is_valid():
                returnees.returnee_check(returnee=returnee, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已记录当天健康监测"))
                return redirect(reverse("epidemic-returnee", args=[returnee.pk]))
        except ServiceError as exc:
            messages.error(request, exc.message)
    rows = selectors.returnee_rows(request.user, today, observing_only=False)
    row = next(r for r in rows if r["returnee"].pk == returnee.pk)
    context = {
        "row": row,
        "returnee": returnee,
        "checks": returnee.checks.order_by("-date"),
        "form": form,
        "symptoms": Symptom.choices,
        "today": today,
        "refusal": returnees.release_refusal(returnee, today),
        "can_edit": _can_edit(request),
        "notice": NOTICE_TEXT,
    }
    return render(request, "epidemic/returnee_detail.html", context)


@access.access(MODULE)
def closure(request: HttpRequest) -> HttpResponse:
    """Switch a village's gates into closed mode (residents only) and back."""
    villages = _villages(request)
    action = request.POST.get("action", "")
    form = forms.ClosureForm(request.POST if action == "start" else None, villages=villages)
    if request.method == "POST":
        try:
            if action == "end":
                row = selectors.get(
                    VillageClosure, request.user, _int(request.POST.get("closure")), roles.EDIT
                )
                returnees.closure_end(
                    closure=row, note=request.POST.get("note", ""), actor=request.user
                )
                messages.success(request, _("已解除封村，卡口恢复正常登记"))
                return redirect("epidemic-closure")
            if form.is_valid():
                village = form.cleaned_data["village"]
                access.require(request.user, MODULE, roles.EDIT, village.path)
                returnees.closure_start(
                    village=village, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("已封村：卡口只允许本村居民进入"))
                return redirect("epidemic-closure")
        except ServiceError as exc:
            messages.error(request, exc.message)
    switchable = [v for v in villages if returnees.may_switch_closure(request.user, v)]
    in_force = list(selectors.closures_in_force(request.user))
    closed = {c.village_id for c in in_force}
    context = {
        "form": form,
        "open": in_force,
        "can_start": any(v.pk not in closed for v in switchable),
        "history": selectors.closure_history(request.user)[:50],
        "can_switch": bool(switchable),
    }
    return render(request, "epidemic/closure.html", context)
