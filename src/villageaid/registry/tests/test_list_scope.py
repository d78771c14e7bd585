"""The household list at township and county scale: order, search, village filter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry.models import Household, Person
from villageaid.registry.tests.samples import household_in


def _codes(page: str) -> list[str]:
    return re.findall(r'<small class="hh-code text-muted">([^<]+)</small>', page)


@pytest.mark.django_db
def test_township_list_runs_by_village_then_code(areas: Any, make_user: Any) -> None:
    # The neighbour's codes sort first, but Beima (the smaller village code) comes first.
    household_in(areas["neighbour"], "A-20")
    household_in(areas["neighbour"], "A-10")
    household_in(areas["village"], "Z-10")
    client = client_for(make_user(Role.TOWNSHIP))
    assert _codes(client.get("/registry/households/").content.decode()) == ["Z-10", "A-10", "A-20"]


@pytest.mark.django_db
def test_search_by_code_or_member_name_stays_in_scope(areas: Any, make_user: Any) -> None:
    household_in(areas["village"], "H-10")  # its member is 测试
    named = household_in(areas["village"], "K-20")
    Person.objects.filter(household=named).update(name="王五")
    household_in(areas["village"], "王-30")  # a code that starts like the name
    elsewhere = household_in(areas["neighbour"], "K-40")
    Person.objects.filter(household=elsewhere).update(name="王五")
    client = client_for(make_user(Role.CADRE))

    page = client.get("/registry/households/", {"q": "王"}).content.decode()
    assert _codes(page) == ["K-20", "王-30"]  # name and code matches, not the neighbour's
    assert ">2</small>" in page  # the total counts each household once
    assert _codes(client.get("/registry/households/", {"q": "H-1"}).content.decode()) == ["H-10"]


@pytest.mark.django_db
def test_village_filter_includes_grid_households(areas: Any, make_user: Any) -> None:
    in_grid = household_in(areas["village"], "H-10")
    assert in_grid.grid is not None  # Beima has a grid: the household's path is the grid's
    Household.objects.create(code="H-11", village=areas["village"], area_path=areas["village"].path)
    household_in(areas["neighbour"], "H-20")
    client = client_for(make_user(Role.TOWNSHIP))

    page = client.get("/registry/households/", {"village": areas["village"].code}).content.decode()
    assert _codes(page) == ["H-11", "H-10"]  # the village's own path sorts before its grid's
    assert f'<option value="{areas["village"].code}" selected>北马村</option>' in page
    assert f'<option value="{areas["neighbour"].code}">南马村</option>' in page
    other = client.get("/registry/households/", {"village": areas["neighbour"].code})
    assert _codes(other.content.decode()) == ["H-20"]


@pytest.mark.django_db
def test_village_filter_outside_the_scope_shows_nothing(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-20")
    client = client_for(make_user(Role.CADRE))
    page = client.get(
        "/registry/households/", {"village": areas["neighbour"].code}
    ).content.decode()
    assert _codes(page) == []
    assert 'name="village"' not in page  # one village: no village choice


@pytest.mark.django_db
def test_village_names_are_escaped_in_the_choice(areas: Any, make_user: Any) -> None:
    areas["neighbour"].name = "<b>南马村</b>"
    areas["neighbour"].save()
    page = client_for(make_user(Role.TOWNSHIP)).get("/registry/households/").content.decode()
    assert "&lt;b&gt;南马村&lt;/b&gt;</option>" in page
    assert "<b>南马村</b>" not in page


@pytest.mark.postgres  # the C collation is a PostgreSQL column setting
@pytest.mark.django_db
def test_area_path_sorts_bytewise_on_postgresql(areas: Any) -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'registry_household' AND column_name = 'area_path'"
        )
        assert cursor.fetchone() == ("C",)


@pytest.mark.django_db
def test_api_list_in_the_same_order(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "A-10")
    household_in(areas["village"], "Z-10")
    client = client_for(make_user(Role.TOWNSHIP))
    items = client.get("/api/v1/registry/households").json()["items"]
    assert [item["code"] for item in items] == ["Z-10", "A-10"]
