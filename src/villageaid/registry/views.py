from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from villageaid.core import access, pii, roles
from villageaid.registry import labels, selectors

MODULE = roles.Module.REGISTRY
FILTERS = ("household_type", "monitoring_status", "village", "risk_type", "problem")


@access.access(MODULE)
def household_list(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    rows = selectors.household_search(request.user, query=request.GET.get("q", ""), filters=filters)
    page = Paginator(rows.order_by("code"), 50).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "q": request.GET.get("q", ""),
        "filters": filters,
        "villages": access.visible_areas(request.user).filter(level="village"),
        "risk_labels": labels.RISK_TYPE_LABELS,
    }
    return render(request, "registry/household_list.html", context)


@access.access(MODULE)
def household_card(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    reveal = request.GET.get("reveal") == "1" and access.can(
        request.user, MODULE, roles.REVEAL, household.village
    )
    members = []
    for person in household.members.all():
        shown = (
            pii.shown_id(request.user, person, module=MODULE, area=household.village)
            if reveal
            else person.id_masked
        )
        members.append((person, shown))
    context = {
        "household": household,
        "members": members,
        "incomes": household.incomes.all()[:5],
        "history": household.history.all()[:20],
        "can_reveal": access.can(request.user, MODULE, roles.REVEAL, household.village),
        "can_edit": access.can(request.user, MODULE, roles.EDIT, household.village),
    }
    return render(request, "registry/household_card.html", context)
