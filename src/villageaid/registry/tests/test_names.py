"""Households named by head and group, people masked for those who may not see names, users by
display name (registry.names), and the household list naming every row without extra queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villageaid.cases.models import ProcedureStep
from villageaid.cases.selectors import step_filter_options
from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry import display, names
from villageaid.registry.models import Household, Person
from villageaid.registry.tests.samples import household_in


def test_household_name_is_head_and_group() -> None:
    assert names.household_name(Household(code="1", head_name="张三", group_name="二组")) == (
        "张三户（二组）"
    )
    assert names.household_name(Household(code="1", head_name="张三")) == "张三户"
    assert names.household_name(Household(code="1")) == "未登记户主"


def test_masked_names_keep_the_family_name_only() -> None:
    assert names.mask_name("张三丰") == "张＊＊"
    assert names.mask_name("李") == "李＊"
    assert names.mask_name("") == ""


def test_display_tables_translate_codes_and_keep_unknown_ones() -> None:
    assert display.label("severity", "high") == "高"
    assert display.label("risk_types", "illness;income") == "因病、收入骤减或偏低"
    assert display.label("sensor", "air_rh") == "棚内湿度"
    assert display.label("dataset", "something_new") == "something_new"
    assert display.label("severity", "") == "—"


@pytest.mark.django_db
def test_person_names_are_masked_for_roles_outside_the_registry(make_user: Any) -> None:
    person = Person(name="王建国")
    assert names.person_name(person, make_user(Role.CADRE)) == "王建国"
    assert names.person_name(person, make_user(Role.GATE)) == "王＊＊"


@pytest.mark.django_db
def test_users_by_display_name(make_user: Any) -> None:
    user = make_user(Role.CADRE)
    assert names.user_name(user) == user.username
    user.first_name = "北马村村干部"
    assert names.user_name(user) == "北马村村干部"
    assert names.user_name(None) == "—"


@pytest.mark.django_db
def test_heads_refresh_prefers_an_active_head(areas: Any) -> None:
    household = household_in(areas["village"], "3710031052019001")
    names.heads_refresh([household.pk])
    household.refresh_from_db()
    assert household.head_name == "测试"
    Person.objects.filter(household=household).update(status="deceased")
    names.heads_refresh([household.pk])
    household.refresh_from_db()
    assert household.head_name == "测试"  # still the registered head
    Person.objects.filter(household=household).delete()
    names.heads_refresh([household.pk])
    household.refresh_from_db()
    assert household.head_name == ""


@pytest.mark.django_db
def test_household_list_names_rows_with_the_code_as_secondary(areas: Any, make_user: Any) -> None:
    for n in range(12):
        household_in(areas["village"], f"3710031052019{n:02d}0")
    Household.objects.update(group_name="三组")
    names.heads_refresh(Household.objects.values_list("pk", flat=True))
    client = client_for(make_user(Role.CADRE))
    client.get("/registry/households/")  # warm the session and count caches
    with CaptureQueriesContext(connection) as first:
        page = client.get("/registry/households/").content.decode()
    assert page.count("测试户（三组）") == 12
    assert '<small class="hh-code text-muted">3710031052019000</small>' in page
    household_in(areas["village"], "3710031052019100")
    names.heads_refresh(Household.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as second:
        client.get("/registry/households/")
    assert len(second.captured_queries) <= len(first.captured_queries) + 1  # no query per row


@pytest.mark.django_db
def test_case_filter_lists_each_step_once(areas: Any) -> None:
    from villageaid.cases.services.procedures import procedure_for

    procedure_for("")  # the default procedure: identification and elimination steps
    options = step_filter_options()
    labels = [label for _code, label in options]
    assert len(labels) == len(set(labels))
    assert len({code for code, _label in options}) == len(options)
    county = set(ProcedureStep.objects.filter(code="county").values_list("name", flat=True))
    assert dict(options)["county"] == "／".join(sorted(county, key="县级审定县级审批".find))
