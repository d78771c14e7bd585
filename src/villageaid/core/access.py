"""The one place that decides who may do what, where.

A decision has three parts: the user's role allows the *action* in the
*module* (``roles.POLICY``, plus per-user grants), and the object lies in the
subtree of one of the user's areas, and — for roles that work on a narrower set
than their area (a helper's own households, an assessor's sample) — the
module's registered *narrowing* admits it.

Views declare their decision with :func:`access` or :func:`public`; the URL
permission test fails for any view that declares neither. Querysets are scoped
with :func:`scope`; single objects are loaded with :func:`get_for`. A service
about to write a row it was handed checks it with :func:`require_row` (or asks
:func:`permits`): the same decision, narrowing included, so a helper's pairing
holds for writes as it does for reads.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from functools import cache, wraps
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
_NARROWINGS: dict[tuple[str, str], tuple[Narrowing, type[Model] | None]] = {}
# How deep :func:`path_to` follows foreign keys from a scoped model to the narrowed one.
_MAX_HOPS = 3


def narrowing(
    module: str, role: str, *, target: type[Model] | None = None
) -> Callable[[Narrowing], Narrowing]:
    """Register a function ``(user, prefix) -> Q`` that narrows ``module``'s
    querysets for ``role`` beyond the area subtree (``prefix`` is the lookup
    path from the scoped model to the narrowed one, e.g. ``"household__"``).

    With ``target`` (the narrowed model, e.g. ``Household``), a caller that passes
    no ``narrow_prefix`` gets the path found by :func:`path_to`; a model with no
    path to ``target`` is narrowed to nothing (fail closed)."""

    def register(func: Narrowing) -> Narrowing:
        _NARROWINGS[(module, role)] = (func, target)
        return func

    return register


@cache
def path_to(model: type[Model], target: type[Model]) -> str | None:
    """The shortest lookup prefix from ``model`` to ``target`` along forward foreign
    keys (``""`` for ``target`` itself, ``"case__household__"`` for a measure), or
    ``None`` when there is none within a few hops."""
    frontier: list[tuple[type[Model], str]] = [(model, "")]
    seen = {model}
    for _hop in range(_MAX_HOPS + 1):
        following: list[tuple[type[Model], str]] = []
        for current, prefix in frontier:
            if issubclass(current, target):
                return prefix
            for field in current._meta.get_fields():
                related = field.related_model
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    continue
                if isinstance(related, type) and related not in seen:
                    seen.add(related)
                    following.append((related, f"{prefix}{field.name}__"))
        frontier = following
    return None


def _narrowed(user: Any, module: str) -> bool:
    return not user.is_superuser and (module, getattr(user, "role", "")) in _NARROWINGS


def _narrow_q(user: Any, module: str, model: type[Model], narrow_prefix: str | None) -> Q | None:
    """The registered narrowing for ``user``'s role in ``module`` as a ``Q`` on ``model``."""
    if not _narrowed(user, module):
        return None
    func, target = _NARROWINGS[(module, user.role)]
    if narrow_prefix is None:
        found = path_to(model, target) if target is not None else ""
        if found is None:
            return Q(pk__in=[])
        narrow_prefix = found
    return func(user, narrow_prefix)


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
    narrow_prefix: str | None = None,
) -> QuerySet[M]:
    """Rows of ``queryset`` the user may act on; empty when the role may not.
    ``narrow_prefix`` defaults to the path the narrowing's target is found at."""
    if not allowed(user, module, action):
        return queryset.none()
    queryset = queryset.filter(area_q(user, area_path))
    extra = _narrow_q(user, module, queryset.model, narrow_prefix)
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
    narrow_prefix: str | None = None,
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


def permits(
    user: Any,
    module: str,
    action: str,
    row: Model,
    *,
    area_path: str = "area_path",
    narrow_prefix: str | None = None,
) -> bool:
    """May ``user`` ``action`` this row: role, area subtree and, for narrowed roles, the
    narrowing (a helper's paired households), decided on the row as stored."""
    if not _is_authenticated(user) or not allowed(user, module, action):
        return False
    rows = type(row)._default_manager.filter(pk=row.pk)
    return scope(
        rows, user, module, action, area_path=area_path, narrow_prefix=narrow_prefix
    ).exists()


def require_row(
    user: Any,
    module: str,
    action: str,
    row: Model,
    *,
    area_path: str = "area_path",
    narrow_prefix: str | None = None,
) -> None:
    """The service layer's check on a row it was handed and is about to write:
    :func:`get_for`'s answer for that row (``Http404`` when the user may not see it,
    ``PermissionDenied`` when they may see but not ``action`` it). ``user=None`` is the
    system itself (a command, a job, the demo), which the caller vouches for."""
    if user is None:
        return
    if not _is_authenticated(user):
        raise PermissionDenied
    get_for(
        type(row)._default_manager.all(),
        user,
        module,
        action,
        area_path=area_path,
        narrow_prefix=narrow_prefix,
        pk=row.pk,
    )


def check_row(user: Any, module: str, action: str, area_path: str) -> None:
    """:func:`get_for`'s decision for one row whose area path the caller has already
    read (a hot path that reads the row with its own SQL): ``Http404`` when the user
    may not see it, ``PermissionDenied`` when they may see but not ``action`` it.
    Modules narrowed beyond the area subtree must load rows through :func:`get_for`."""
    if _narrowed(user, module):
        raise TypeError(f"{module} is narrowed for this role: use get_for or require_row")
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


def may_open(user: Any, url: str) -> bool:
    """Would the view at ``url`` (a path on this site) let ``user`` in: the view's own
    declaration, read from it, so a menu or a page builds its links from the decision the
    view enforces. A path that resolves to nothing is not offered."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    rule = getattr(match.func, "access_rule", None)
    if rule == PUBLIC:
        return True
    if not _is_authenticated(user):
        return False
    if rule == LOGIN:
        return True
    if isinstance(rule, tuple):
        module, action = rule
        return allowed(user, module, action)
    return False
