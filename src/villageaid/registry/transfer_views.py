"""Pages of the transfer procedure (``registry.transfers``): a request form for the receiving
village, a list where a township approves or rejects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.registry import rosterscope, transfers
from villageaid.registry.models import HouseholdTransfer

MODULE = roles.Module.REGISTRY


class TransferRequestForm(forms.Form):
    village = forms.ChoiceField(label=gettext_lazy("迁入村"))
    household_code = forms.CharField(label=gettext_lazy("户编号"), max_length=32, required=False)
    id_number = forms.CharField(
        label=gettext_lazy("或：户内成员身份证号"), max_length=18, required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("迁移原因"), max_length=transfers.REASON_MAX, widget=forms.Textarea
    )

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["village"]
        field.choices = [(v.code, v.name) for v in villages]
        for item in self.fields.values():
            item.widget.attrs.setdefault("class", "form-control")


@access.access(MODULE)
def transfer_list(request: HttpRequest) -> HttpResponse:
    rows = [_row(request.user, t) for t in transfers.transfers_for(request.user)[:200]]
    context = {"rows": rows, "can_request": access.allowed(request.user, MODULE, roles.EDIT)}
    return render(request, "registry/transfer_list.html", context)


@access.access(MODULE, roles.EDIT)
def transfer_new(request: HttpRequest) -> HttpResponse:
    villages = rosterscope.editable_villages(request.user)
    form = TransferRequestForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfers.transfer_request(
                actor=request.user,
                to_village=villages.get(code=data["village"]),
                household_code=data["household_code"],
                id_number=data["id_number"],
                reason=data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("迁移申请已提交，等待乡镇审批"))
            return redirect("transfer-list")
    return render(request, "registry/transfer_new.html", {"form": form})


def _row(user: Any, transfer: HouseholdTransfer) -> dict[str, Any]:
    """A transfer as a row shows it: the village it leaves only to those who may see it."""
    pending = transfer.status == HouseholdTransfer.Status.PENDING
    return {
        "transfer": transfer,
        "from_visible": access.in_area(user, transfer.from_village),
        "may_approve": pending and bool(transfers.approvable_sides(user, transfer)),
        "may_reject": pending and transfers.may_decide(user, transfer),
    }


def _decide_page(request: HttpRequest, transfer: HouseholdTransfer) -> HttpResponse:
    return render(request, "registry/transfer_decide.html", {"r": _row(request.user, transfer)})


@access.access(MODULE, roles.APPROVE)
def transfer_approve(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.transfer_get(request.user, pk)
    if request.method != "POST":
        return _decide_page(request, transfer)
    try:
        transfers.transfer_approve(actor=request.user, transfer=transfer)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("transfer-list")


@access.access(MODULE, roles.APPROVE)
def transfer_reject(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.transfer_get(request.user, pk)
    if request.method != "POST":
        return _decide_page(request, transfer)
    try:
        transfers.transfer_reject(
            actor=request.user, transfer=transfer, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("transfer-list")
