"""The HTTP API at ``/api/v1/``: wires every app's router under one NinjaAPI."""

from __future__ import annotations

from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from villageaid.accounts.api_auth import CHALLENGE, BearerToken, BrowserSession
from villageaid.core.errors import ServiceError

api = NinjaAPI(
    title="VillageAid API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
    docs_url="/docs",
)


def _error(request: HttpRequest, detail: object, code: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, "未登录或令牌无效", "unauthenticated", 401)
    response["WWW-Authenticate"] = CHALLENGE
    return response


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, "无权访问", "forbidden", 403)


@api.exception_handler(Http404)
def on_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, "未找到", "not_found", 404)


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, exc.errors, "validation_error", 422)


@api.exception_handler(DjangoValidationError)
def on_model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, exc.messages, "validation_error", 422)


@api.exception_handler(ServiceError)
def on_service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.message, exc.code, exc.status)


@api.exception_handler(HttpError)
def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, str(exc), "error", exc.status_code)


# Each app that has an API exposes ``router`` in ``<app>/api.py``.
ROUTERS = [
    ("core", ""),
    ("accounts", "/accounts"),
    ("registry", "/registry"),
    ("screening", "/screening"),
    ("cases", "/cases"),
    ("visits", "/visits"),
    ("greenhouse", "/greenhouse"),
    ("sales", "/sales"),
    ("epidemic", "/epidemic"),
    ("reports", ""),
]
for app, prefix in ROUTERS:
    try:
        module = import_module(f"villageaid.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"villageaid.{app}.api":
            raise
        continue
    api.add_router(prefix, module.router)
