from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from villageaid.core import access, roles
from villageaid.core.api import jobs_visible
from villageaid.core.dashboard import today_for


@access.public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"database": "error"}, status=503)
    return JsonResponse({"database": "ok", "vendor": connection.vendor})


@access.login_only
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"today": today_for(request.user)})


@access.login_only
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(jobs_visible(request.user), pk=job_id)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


@access.access(roles.Module.CORE, roles.ADMIN)
def areas(request: HttpRequest) -> HttpResponse:
    rows: Any = access.visible_areas(request.user).order_by("path")[:2000]
    return render(request, "core/areas.html", {"areas": rows})
