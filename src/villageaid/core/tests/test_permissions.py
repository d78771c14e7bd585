"""Every URL and API endpoint, for every role, in its own area and a
neighbouring one, gets the answer the access policy documents.

Views declare their decision with ``access.access``, ``access.login_only`` or
``access.public``; a view without one fails ``test_every_view_declares_access``.
URLs with parameters need a sample: each app's ``tests/samples.py`` maps the URL
name to a function ``(areas) -> {"own": kwargs, "other": kwargs}`` building one
object in Beima (own) and one in the neighbouring village (other).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from villageaid.api import api
from villageaid.conftest import client_for
from villageaid.core import access, roles
from villageaid.core.roles import Role

SKIP_PREFIXES = ("admin/", "static/", "media/")
NINJA_BUILTIN = {"openapi-json", "openapi-view", "api-root"}
# Roles whose area does not contain the neighbouring village.
VILLAGE_LEVEL = {Role.CADRE, Role.HELPER, Role.GRID, Role.TECH, Role.SALES, Role.GATE}
APPS = [
    "core",
    "accounts",
    "registry",
    "screening",
    "cases",
    "visits",
    "greenhouse",
    "sales",
    "epidemic",
    "reports",
]


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from walk(item, prefix + str(item.pattern), ns)
        else:
            yield prefix + str(item.pattern), namespace + (item.name or ""), item


def page_patterns() -> list[tuple[str, str, URLPattern]]:
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver())
        if not route.startswith(SKIP_PREFIXES) and not route.startswith("api/")
    ]


def api_operations() -> Iterator[tuple[str, Any]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation


def samples() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for app in APPS:
        try:
            module = import_module(f"villageaid.{app}.tests.samples")
        except ModuleNotFoundError as exc:
            if exc.name != f"villageaid.{app}.tests.samples":
                raise
            continue
        found.update(module.SAMPLES)
    return found


def test_every_view_declares_access() -> None:
    missing = [route for route, _n, p in page_patterns() if not hasattr(p.callback, "access_rule")]
    missing += [
        f"api/v1{path} {op.methods}"
        for path, op in api_operations()
        if not hasattr(op.view_func, "access_rule")
    ]
    assert not missing, f"views without an access decision: {missing}"


def test_every_parameterised_url_has_a_sample() -> None:
    known = samples()
    missing = [
        name for _r, name, p in page_patterns() if p.pattern.converters and name not in known
    ]
    assert not missing, f"URLs with parameters need a sample in <app>/tests/samples.py: {missing}"


def expected(rule: Any, role: str, *, visible: bool) -> set[int]:
    if rule == access.PUBLIC:
        return {200, 302, 405}
    if rule == access.LOGIN:
        return {200} if visible else {404, 403}
    module, action = rule
    if role != Role.ADMIN and action not in roles.POLICY.get(role, {}).get(module, frozenset()):
        return {403}
    return {200} if visible else {404, 403}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_pages_answer_per_policy(role: str, areas: Any, make_user: Any) -> None:
    user = make_user(role)
    client = client_for(user)
    known = samples()
    failures = []
    for _route, name, pattern in page_patterns():
        rule = pattern.callback.access_rule
        cases: list[tuple[dict[str, Any], bool]] = [({}, True)]
        if pattern.pattern.converters:
            made = known[name](areas)
            other_visible = role not in VILLAGE_LEVEL
            cases = [(made["own"], True), (made["other"], other_visible)]
            narrowed = made.get("narrowed", set())
        else:
            narrowed = set()
        for kwargs, visible in cases:
            url = reverse(name, kwargs=kwargs)
            status = client.get(url).status_code
            want = expected(rule, role, visible=visible)
            if role in narrowed and 200 in want:
                want = want | {404}
            if status not in want:
                failures.append(f"{role} GET {url} -> {status}, expected {sorted(want)}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(areas: Any) -> None:
    from django.test import Client

    client = Client()
    known = samples()
    for _route, name, pattern in page_patterns():
        if pattern.callback.access_rule == access.PUBLIC:
            continue
        kwargs = known[name](areas)["own"] if pattern.pattern.converters else {}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_api_answers_per_policy(role: str, areas: Any, make_user: Any) -> None:
    from villageaid.accounts.models import ApiToken

    user = make_user(role)
    _, raw = ApiToken.issue(user=user)
    headers = {"Authorization": f"Bearer {raw}"}
    from django.test import Client

    client = Client()
    known = samples()
    failures = []
    for path, operation in api_operations():
        if "GET" not in operation.methods:
            continue
        rule = operation.view_func.access_rule
        name = operation.view_func.__name__
        cases: list[tuple[str, bool]]
        if "{" in path:
            if f"api:{name}" not in known:
                failures.append(f"no sample for API GET {path} (api:{name})")
                continue
            made = known[f"api:{name}"](areas)
            cases = [(made["own_url"], True), (made["other_url"], role not in VILLAGE_LEVEL)]
            narrowed = made.get("narrowed", set())
        else:
            cases, narrowed = [("/api/v1" + path, True)], set()
        for url, visible in cases:
            status = client.get(url, headers=headers).status_code
            want = expected(rule, role, visible=visible)
            if role in narrowed and 200 in want:
                want = want | {404}
            if status not in want:
                failures.append(f"{role} GET {url} -> {status}, expected {sorted(want)}")
        anonymous = client.get(cases[0][0]).status_code
        if rule != access.PUBLIC and anonymous != 401:
            failures.append(f"anonymous GET {cases[0][0]} -> {anonymous}, expected 401")
    assert not failures, "\n".join(failures)
