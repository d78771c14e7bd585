"""The cases URLs for every role, own and neighbouring village (the project-wide
permission test, narrowed to this app so it runs on its own)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from villageaid.cases import urls
from villageaid.cases.tests.samples import SAMPLES
from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.core.tests.test_permissions import VILLAGE_LEVEL, expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_case_pages_answer_per_policy(role: str, areas: Any, make_user: Any) -> None:
    client = client_for(make_user(role))
    failures = []
    for pattern in urls.urlpatterns:
        rule = pattern.callback.access_rule
        cases: list[tuple[dict[str, Any], bool]] = [({}, True)]
        narrowed: set[str] = set()
        if pattern.pattern.converters:
            made = SAMPLES[pattern.name](areas)
            cases = [(made["own"], True), (made["other"], role not in VILLAGE_LEVEL)]
            narrowed = made.get("narrowed", set())
        for kwargs, visible in cases:
            url = reverse(pattern.name, kwargs=kwargs)
            status = client.get(url).status_code
            want = expected(rule, role, visible=visible)
            if role in narrowed and 200 in want:
                want |= {404}
            if status not in want:
                failures.append(f"{role} GET {url} -> {status}, expected {sorted(want)}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:case", "api:notice"])
@pytest.mark.parametrize("role", [Role.CADRE, Role.GRID, Role.TOWNSHIP, Role.TECH])
def test_case_api_answers_per_policy(name: str, role: str, areas: Any, make_user: Any) -> None:
    client = client_for(make_user(role))
    made = SAMPLES[name](areas)
    own = client.get(made["own_url"]).status_code
    other = client.get(made["other_url"]).status_code
    if role == Role.TECH:
        assert (own, other) == (403, 403)
    elif role in VILLAGE_LEVEL:
        assert (own, other) == (200, 404)
    else:
        assert (own, other) == (200, 200)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_except_the_declaration_form(areas: Any) -> None:
    client = Client()
    for pattern in urls.urlpatterns:
        kwargs = SAMPLES[pattern.name](areas)["own"] if pattern.pattern.converters else {}
        response = client.get(reverse(pattern.name, kwargs=kwargs))
        if pattern.name == "case-declare":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, pattern.name
