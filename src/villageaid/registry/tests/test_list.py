from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry.tests.samples import household_in


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_household_list_query_count_does_not_grow_with_rows(areas: Any, make_user: Any) -> None:
    client = client_for(make_user(Role.CADRE))
    for i in range(3):
        household_in(areas["village"], f"H-A{i}0")
    _queries(client, "/registry/households/")  # per-process caches warm up on the first request
    few = _queries(client, "/registry/households/")
    for i in range(20):
        household_in(areas["village"], f"H-B{i}0")
    assert _queries(client, "/registry/households/") == few
    assert few <= 12


@pytest.mark.django_db
def test_member_counts_and_name_search(areas: Any, make_user: Any) -> None:
    household_in(areas["village"], "H-10")
    client = client_for(make_user(Role.CADRE))
    page = client.get("/registry/households/", {"q": "测"}).content.decode()
    assert "H-10" in page
    assert "<td>1</td>" in page  # one active member
    assert "H-10" not in client.get("/registry/households/", {"q": "王"}).content.decode()
