"""The one place that decides who may do what, where.

A decision has three parts: the user's role allows the *action* in the
*module* (``roles.POLICY``, plus per-user grants), and the object lies in the
subtree of one of the user's areas, and — for roles that work on a narrower set
than their area (a helper's own households, an assessor's sample) — the
module's registered *narrowing* admits it.

Views declare their decision with :func:`access` or :func:`public`; the URL
permission test fails for any view that declares neither. Querysets are scoped
with :func:`scope`; single objects are loaded with :func:`get_for`.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from villageaid.core import roles
from villageaid.core.models import Area

M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Callable[..., Any])

Narrowing = Callable[[Any, str], Q | None]
_NARROWINGS: dict[tuple[str, str], Narrowing] = {}


def narrowing(module: str, role: str) -> Callable[[Narrowing], Narrowing]:
    """Register a function ``(user, prefix) -> Q`` that narrows ``module``'s
    querysets for ``role`` beyond the area subtree (``prefix`` is the lookup
    path from the scoped model to the narrowed one, e.g. ``"household__"``)."""

    def register(func: Narrowing) -> Narrowing:
        _NARROWINGS[(module, role)] = func
        return func

    return register


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def actions(user: Any, module: str) -> frozenset[str]:
    if not _is_authenticated(user):
        return frozenset()
    if user.is_superuser:
        return roles.ALL
    granted = roles.POLICY.get(user.role, {}).get(module, frozenset())
    extra = (getattr(user, "grants", None) or {}).get(module, ())
    return granted | frozenset(a for a in extra if a in roles.ALL)


def allowed(user: Any, module: str, action: str) -> bool:
    return action in actions(user, module)


def user_paths(user: Any) -> tuple[str, ...]:
    if user.is_superuser:
        return ("/",)
    return tuple(user.area_paths)


def in_area(user: Any, area: Area | str | None) -> bool:
    """True when ``area`` (an Area or its path) lies in one of the user's subtrees."""
    if area is None:
        return bool(user.is_superuser)
    path = area.path if isinstance(area, Area) else area
    return any(path.startswith(prefix) for prefix in user_paths(user))


def can(user: Any, module: str, action: str, area: Area | str | None = None) -> bool:
    if not allowed(user, module, action):
        return False
    return area is None or in_area(user, area)


def require(user: Any, module: str, action: str, area: Area | str | None = None) -> None:
    if not can(user, module, action, area):
        raise PermissionDenied


def area_q(user: Any, path_field: str) -> Q:
    """``Q`` matching rows whose ``path_field`` lies in the user's subtrees."""
    paths = user_paths(user)
    if "/" in paths:
        return Q()
    query = Q(pk__in=[])
    for prefix in paths:
        query |= Q(**{f"{path_field}__startswith": prefix})
    return query


def scope(
    queryset: QuerySet[M],
    user: Any,
    module: str,
    action: str = roles.VIEW,
    *,
    area_path: str,
    narrow_prefix: str = "",
) -> QuerySet[M]:
    """Rows of ``queryset`` the user may act on; empty when the role may not."""
    if not allowed(user, module, action):
        return queryset.none()
    queryset = queryset.filter(area_q(user, area_path))
    narrow = _NARROWINGS.get((module, getattr(user, "role", "")))
    if narrow is not None and not user.is_superuser:
        extra = narrow(user, narrow_prefix)
        if extra is not None:
            queryset = queryset.filter(extra)
    return queryset


def get_for(
    queryset: QuerySet[M],
    user: Any,
    module: str,
    action: str = roles.VIEW,
    *,
    area_path: str,
    narrow_prefix: str = "",
    **lookup: Any,
) -> M:
    """One object the user may act on, or 404 (if invisible) / 403 (if only readable)."""
    scoped = scope(queryset, user, module, action, area_path=area_path, narrow_prefix=narrow_prefix)
    try:
        return scoped.get(**lookup)
    except ObjectDoesNotExist:
        if (
            action != roles.VIEW
            and scope(
                queryset, user, module, roles.VIEW, area_path=area_path, narrow_prefix=narrow_prefix
            )
            .filter(**lookup)
            .exists()
        ):
            raise PermissionDenied from None
        raise Http404 from None


def check_row(user: Any, module: str, action: str, area_path: str) -> None:
    """:func:`get_for`'s decision for one row whose area path the caller has already
    read (a hot path that reads the row with its own SQL): ``Http404`` when the user
    may not see it, ``PermissionDenied`` when they may see but not ``action`` it.
    Modules narrowed beyond the area subtree must load rows through :func:`get_for`."""
    if not user.is_superuser and (module, getattr(user, "role", "")) in _NARROWINGS:
        raise TypeError(f"{module} is narrowed for this role: load the row through get_for")
    if not (allowed(user, module, roles.VIEW) and in_area(user, area_path)):
        raise Http404
    if not allowed(user, module, action):
        raise PermissionDenied


def visible_areas(user: Any) -> QuerySet[Area]:
    return Area.objects.filter(area_q(user, "path"))


# --- view declarations -------------------------------------------------------


def _resolve_annotations(wrapper: Any, view: Any) -> None:
    """Give the wrapper the view's signature with evaluated annotations: with postponed
    annotations, Django Ninja would otherwise resolve ``dt.date`` in this module's globals."""
    with contextlib.suppress(NameError, TypeError, ValueError):
        wrapper.__signature__ = inspect.signature(view, eval_str=True)


PUBLIC = "public"
LOGIN = "login"


def access(module: str, action: str = roles.VIEW) -> Callable[[V], V]:
    """Require a logged-in user whose role may ``action`` in ``module``.

    Object-level area checks happen when the view loads its objects through
    :func:`get_for` / :func:`scope`.
    """

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _is_authenticated(request.user):
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, module, action):
                raise PermissionDenied
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        wrapper.access_rule = (module, action)  # type: ignore[attr-defined]
        _resolve_annotations(wrapper, view)
        return wrapper  # type: ignore[return-value]

    return decorate


def login_only(view: V) -> V:
    """Any logged-in user (their own profile, the landing page, job progress)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_authenticated(request.user):
            return redirect_to_login(request.get_full_path())
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    wrapper.access_rule = LOGIN  # type: ignore[attr-defined]
    _resolve_annotations(wrapper, view)
    return wrapper  # type: ignore[return-value]


def public(view: V) -> V:
    """No login needed (login page, health check, public notice, self-declaration)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view
