"""The pages of the helpers' and campaigns' work: pairing (结对), a campaign's set-up,
condolence visits (慰问) and party members' points claims and their approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.visits import selectors, services
from villageaid.visits.forms import CampaignForm, CondolenceForm, PairingForm, PointClaimForm
from villageaid.visits.models import PointEntry

MODULE = roles.Module.VISITS


def _may(user: Any, allowed: frozenset[str]) -> bool:
    """The service's role decision, asked before offering a form."""
    if not access.allowed(user, MODULE, roles.EDIT):
        return False
    return bool(user.is_superuser or user.role in allowed)


def _household_choices(households: Any) -> list[tuple[str, str]]:
    return [(str(h.pk), f"{selectors.household_label(h)}（{h.village.name}）") for h in households]


# --- pairing ----------------------------------------------------------------------------------


@access.access(MODULE)
def pairing(request: HttpRequest) -> HttpResponse:
    """Households with their helper; the cadre and the township pair and reassign here, a
    helper sees their own pairings."""
    households = list(selectors.pairing_households(request.user)[:500])
    can_manage = _may(request.user, services.PAIRING_ROLES)
    helpers = list(selectors.helpers_for(request.user)) if can_manage else []
    form = PairingForm(
        request.POST or None,
        households=_household_choices(households),
        helpers=[(str(u.pk), selectors.user_label(u)) for u in helpers],
        initial={"on": timezone.localdate(), "household": request.GET.get("household", "")},
    )
    if request.method == "POST":
        if not can_manage:
            return _refuse()
        if form.is_valid():
            return _pair(request, form, helpers)
    rows = [
        (h, selectors.household_label(h), next(iter(h.helper_assignments.all()), None))
        for h in households
    ]
    context = {
        "rows": rows,
        "form": form if can_manage else None,
        "load": selectors.helper_load(request.user, on=timezone.localdate()),
        "history": selectors.pairing_history(request.user),
        "unpaired": sum(1 for _h, _l, current in rows if current is None),
    }
    return render(request, "visits/pairing.html", context)


def _refuse() -> HttpResponse:
    raise PermissionDenied


def _pair(request: HttpRequest, form: PairingForm, helpers: list[Any]) -> HttpResponse:
    data = form.cleaned_data
    household = selectors.household_get(request.user, int(data["household"]), roles.EDIT)
    helper = next((u for u in helpers if str(u.pk) == data["helper"]), None)
    try:
        if helper is None:
            raise ServiceError(_("只能选择帮扶责任人"), code="not_helper")
        services.helper_assign(
            household=household,
            helper=helper,
            actor=request.user,
            on=data["on"],
            reason=data["reason"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("visits-pairing")
    messages.success(
        request,
        _("已将 %(household)s 与 %(helper)s 结对。")
        % {
            "household": selectors.household_label(household),
            "helper": selectors.user_label(helper),
        },
    )
    return redirect("visits-pairing")


# --- campaigns --------------------------------------------------------------------------------


def campaign_form(request: HttpRequest) -> tuple[CampaignForm | None, Any]:
    """The set-up form of a campaign, for those who open campaigns (else ``None``)."""
    if not _may(request.user, services.CAMPAIGN_ROLES):
        return None, None
    villages = access.visible_areas(request.user).filter(level="village").order_by("code")
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        villages=[(v.code, v.name) for v in villages],
        initial={"start": today, "end": today, "sample_size": 30},
    )
    return form, villages


def campaign_create(request: HttpRequest, form: CampaignForm, villages: Any) -> Any:
    """A campaign with its scope (villages) and third-party sample, drawn at once with a
    recorded seed; ``None`` when the form or the service refused it."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    chosen = list(villages.filter(code__in=data["villages"]))
    try:
        with transaction.atomic():
            campaign = services.campaign_create(
                actor=request.user,
                name=data["name"],
                area=_common_area(request.user, chosen),
                villages=chosen,
                start=data["start"],
                end=data["end"],
                checklist=data["checklist"],
                methods=data["methods"],
                sample_size=data["sample_size"] or 0,
                sample_rate=data["sample_rate"],
                sample_seed=data["sample_seed"],
            )
            services.campaign_draw_sample(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None
    return campaign


def _common_area(user: Any, villages: list[Any]) -> Any:
    """The smallest of the user's areas that holds every chosen village."""
    mine = sorted(access.visible_areas(user), key=lambda a: -len(a.path))
    for area in mine:
        if villages and all(area.contains(v) for v in villages):
            return area
    return villages[0] if villages else mine[-1]


# --- condolence visits ------------------------------------------------------------------------


@access.access(MODULE, roles.EDIT)
def condolence_new(request: HttpRequest) -> HttpResponse:
    households = list(
        selectors.households_for(request.user, roles.EDIT)
        .select_related("village")
        .prefetch_related("members")
        .order_by("village__code", "group_name", "code")[:1000]
    )
    form = CondolenceForm(
        request.POST or None,
        households=_household_choices(households),
        initial={"visited_on": timezone.localdate(), "household": request.GET.get("household")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = selectors.household_get(request.user, int(data["household"]), roles.EDIT)
        try:
            services.condolence_record(
                actor=request.user,
                household=household,
                visited_on=data["visited_on"],
                occasion=data["occasion"],
                visitors=data["visitors"],
                goods=form.goods(),
                cash_yuan=data["cash_yuan"] or Decimal(0),
                note=data["note"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("慰问记录已保存。"))
            return redirect("party-visits")
    return render(request, "visits/condolence_new.html", {"form": form})


# --- party members' points --------------------------------------------------------------------


@access.access(MODULE)
def points_claims(request: HttpRequest) -> HttpResponse:
    """Claims waiting for the branch secretary, a form to submit one, and the decided ones."""
    members = list(selectors.party_members_for(request.user).order_by("village__code", "name"))
    rules = selectors.point_rules_for()
    can_claim = access.allowed(request.user, MODULE, roles.EDIT)
    can_decide = _may(request.user, services.POINTS_ROLES)
    form = PointClaimForm(
        request.POST if request.POST.get("action") == "claim" else None,
        members=[(str(m.pk), f"{m.name}（{m.village.name}）") for m in members],
        rules=[(str(r.pk), f"{r.name}（{r.points:+d}）") for r in rules],
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "claim" and can_claim:
            return _claim(request, form, members, rules)
        if action in {"approve", "reject"} and can_decide:
            return _decide(request, action == "approve")
        return _refuse()
    context = {
        "pending": selectors.point_claims(request.user)[:200],
        "decided": selectors.point_claims(request.user, PointEntry.Status.APPROVED)[:20],
        "rejected": selectors.point_claims(request.user, PointEntry.Status.REJECTED)[:20],
        "form": form if can_claim and members else None,
        "can_decide": can_decide,
    }
    return render(request, "visits/points_claims.html", context)


def _claim(request: HttpRequest, form: PointClaimForm, members: list[Any], rules: Any) -> Any:
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("points-claims")
    data = form.cleaned_data
    member = next(m for m in members if str(m.pk) == data["member"])
    rule = rules.filter(pk=data["rule"]).first() if data["rule"] else None
    try:
        services.point_entry_add(
            actor=request.user,
            member=member,
            rule=rule,
            points=data["points"],
            reason=data["reason"],
            on=data["on"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("积分申请已提交，等待审核。"))
    return redirect("points-claims")


def _decide(request: HttpRequest, approve: bool) -> HttpResponse:
    entry = get_object_or_404(selectors.point_claims(request.user), pk=request.POST.get("entry"))
    try:
        services.point_entry_decide(
            actor=request.user,
            entry=entry,
            approve=approve,
            reason=request.POST.get("reason", "")[:200],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已审核 %(name)s 的积分。") % {"name": entry.member.name})
    return redirect("points-claims")


@access.access(MODULE)
def points_ledger(request: HttpRequest) -> HttpResponse:
    """One member's points ledger (every claim and its decision) with the approved total."""
    raw = request.GET.get("member", "")
    if not raw.isdigit() or len(raw) > 18:
        members = selectors.points_ranking(request.user)
        return render(request, "visits/points_ledger.html", {"members": members})
    member, entries, total = selectors.point_ledger(request.user, int(raw))
    context = {"member": member, "entries": entries, "total": total}
    return render(request, "visits/points_ledger.html", context)
