"""URL wiring. Each app that has pages exposes ``urlpatterns`` in ``<app>/urls.py``."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from villageaid.api import api
from villageaid.core import access

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", access.public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("villageaid.accounts.urls")),
    path("", include("villageaid.core.urls")),
]

for app in (
    "registry",
    "policy",
    "screening",
    "cases",
    "visits",
    "greenhouse",
    "sales",
    "epidemic",
    "reports",
):
    try:
        import_module(f"villageaid.{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"villageaid.{app}.urls":
            raise
        continue
    urlpatterns.append(path(f"{app}/", include(f"villageaid.{app}.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "villageaid.core.error_views.bad_request"
handler403 = "villageaid.core.error_views.permission_denied"
handler404 = "villageaid.core.error_views.page_not_found"
handler500 = "villageaid.core.error_views.server_error"
