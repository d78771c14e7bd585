"""The policy pages: the versions in force with their sources, and a county's new version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.policy import forms, services
from villageaid.policy.models import PolicyVersion
from villageaid.policy.resolver import policy_for
from villageaid.policy.shipped import sources


def _home(user: Any) -> Area | None:
    return Area.objects.filter(path__in=access.user_paths(user)).order_by("path").first() or (
        Area.objects.filter(parent__isnull=True).order_by("path").first()
    )


def _on(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


@access.access(roles.Module.CASES)
def version_list(request: HttpRequest) -> HttpResponse:
    on = _on(request)
    area = _home(request.user)
    context = {
        "on": on,
        "area": area,
        "policy": policy_for(area, on),
        "versions": PolicyVersion.objects.select_related("base").prefetch_related("ranges"),
        "sources": sorted(sources().items()),
        "can_add": access.allowed(request.user, services.MODULE, roles.ADMIN),
    }
    return render(request, "policy/version_list.html", context)


def _area_choices(user: Any) -> list[tuple[str, str]]:
    rows = Area.objects.filter(level__in=("province", "county")).order_by("path")
    return [(a.code, str(a)) for a in rows if access.in_area(user, a)]


@access.access(services.MODULE, roles.ADMIN)
def version_new(request: HttpRequest) -> HttpResponse:
    form = forms.VersionForm(request.POST or None)
    form.fields["area"].choices = _area_choices(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = Area.objects.filter(code=data.pop("area")).first()
        if area is None:
            raise PermissionDenied
        try:
            services.policy_version_add(actor=request.user, area=area, **data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("政策版本已保存，此后的认定按新版本办理。"))
            return redirect("policy-list")
    return render(request, "policy/version_new.html", {"form": form})
