"""Pages for the four clue endings and the correction procedure. Objects are named in the
query string or the POST body (``clue``, ``ending``, ``correction``) and loaded through
the scoped selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villageaid.cases import endings_selectors as selectors
from villageaid.cases import services
from villageaid.cases.endings import Correction
from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.registry import selectors as registry_selectors

MODULE = roles.Module.CASES


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


class NoRiskForm(forms.Form):
    verified_on = forms.DateField(
        label=gettext_lazy("核实日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=gettext_lazy("核实情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=gettext_lazy("照片或证明材料"))


class CorrectionForm(forms.Form):
    household_code = forms.CharField(label=gettext_lazy("户编号"), max_length=32)
    field = forms.ChoiceField(label=gettext_lazy("更正项目"), choices=Correction.Field.choices)
    person = forms.IntegerField(
        label=gettext_lazy("成员编号（更正成员状态时）"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
    )
    new_value = forms.CharField(label=gettext_lazy("更正为（代码）"), max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("更正理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=gettext_lazy("证明材料"))


@access.access(MODULE)
def clue_list(request: HttpRequest) -> HttpResponse:
    """Open clues by age, each with its endings; the township's sample of 核实无风险."""
    if request.method == "POST":
        return _clue_post(request)
    rows = selectors.open_clues_for(request.user, roles.VIEW).order_by("created_at", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_ages(page.object_list)
    context = {
        "page": page,
        "ages": selectors.clue_ages(request.user),
        "sample": selectors.review_sample(request.user)[:50],
        "can_edit": access.allowed(request.user, MODULE, roles.EDIT),
    }
    return render(request, "cases/clue_list.html", context)


ACTIONS = {
    "open": services.clue_open_case,
    "join": services.clue_join,
    "correction": services.clue_to_correction,
}


def _clue_post(request: HttpRequest) -> HttpResponse:
    """Open a case from the clue, join it to the household's case, turn it into a
    correction task, or (the township) review a 核实无风险 closure."""
    action = request.POST.get("action", "")
    try:
        if action == "review":
            _review(request)
            return redirect("clue-endings")
        act = ACTIONS.get(action)
        if act is None:
            raise ServiceError(_("未知的处置方式"), code="bad_action")
        clue = selectors.clue_for(request.user, _id(request.POST.get("clue")))
        ending = act(clue=clue, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("clue-endings")
    messages.success(request, ending.get_ending_display())
    if ending.case_id:
        return redirect("case-detail", pk=ending.case_id)
    return redirect("corrections")


def _review(request: HttpRequest) -> None:
    ending = selectors.ending_for(request.user, _id(request.POST.get("ending")))
    services.clue_review(
        ending=ending,
        actor=request.user,
        confirm=request.POST.get("confirm") == "1",
        note=request.POST.get("note", "")[:2000],
        on=timezone.localdate(),
    )


@access.access(MODULE, roles.EDIT)
def clue_no_risk(request: HttpRequest) -> HttpResponse:
    clue_id = _id(request.GET.get("clue") or request.POST.get("clue"))
    if not clue_id:  # reached from the clue list, which names the clue
        return render(request, "cases/clue_no_risk.html", {"clue": None})
    clue = selectors.clue_for(request.user, clue_id)
    form = NoRiskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clue_close_no_risk(
                clue=clue,
                actor=request.user,
                verified_on=form.cleaned_data["verified_on"],
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已核实无风险"))
            return redirect("clue-endings")
    return render(request, "cases/clue_no_risk.html", {"clue": clue, "form": form})


@access.access(MODULE)
def correction_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _decide(request)
        return redirect("corrections")
    rows = selectors.corrections_for(request.user).order_by("-created_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "can_edit": access.allowed(request.user, MODULE, roles.EDIT)}
    return render(request, "cases/correction_list.html", context)


def _decide(request: HttpRequest) -> None:
    correction = selectors.correction_for(request.user, _id(request.POST.get("correction")))
    try:
        services.correction_decide(
            correction=correction,
            actor=request.user,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", "")[:2000],
            on=timezone.localdate(),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)


@access.access(MODULE, roles.EDIT)
def correction_new(request: HttpRequest) -> HttpResponse:
    initial = {k: request.GET.get(k, "") for k in ("household_code", "field", "new_value")}
    task_id = _id(request.GET.get("task") or request.POST.get("task"))
    task = selectors.correction_for(request.user, task_id) if task_id else None
    if task is not None:
        initial["household_code"] = task.household.code
    form = CorrectionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = _request(request, form.cleaned_data, task)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, row.get_status_display())
            return redirect("corrections")
    return render(request, "cases/correction_new.html", {"form": form, "task": task})


def _request(request: HttpRequest, data: dict[str, Any], task: Correction | None) -> Correction:
    households = registry_selectors.households_for(request.user, roles.VIEW)
    household = households.filter(code=data["household_code"]).first()
    if household is None:
        raise ServiceError(_("找不到该户，或不在你的区域"), code="not_found")
    person = household.members.filter(pk=data["person"]).first() if data["person"] else None
    return services.correction_request(
        household=household,
        actor=request.user,
        field=data["field"],
        new_value=data["new_value"],
        reason=data["reason"],
        attachment=data["attachment"],
        on=timezone.localdate(),
        person=person,
        task=task,
    )
