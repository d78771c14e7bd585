"""The menu: at most seven top entries for every role, grouped by task, and every link it
offers (sections, their dropdowns, the account menu) opens for that role."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.core import access, navigation
from villageaid.core.roles import Role
from villageaid.testing import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_menu_link_of_every_role_opens(role: str, make_user: Any) -> None:
    user = make_user(role)
    top, _account = navigation.top_and_account(user)
    assert 1 <= len(top) <= navigation.MAX_TOP, [s["label"] for s in top]
    keys = [s["key"] for s in top]
    assert keys[0] == navigation.TODAY and len(set(keys)) == len(keys)
    links = navigation.all_links(user)
    assert links and all(access.may_open(user, url) for url in links)
    client = client_for(user)
    failed = {url: client.get(url).status_code for url in set(links)}
    assert {url: code for url, code in failed.items() if code != 200} == {}


@pytest.mark.django_db
def test_a_cadre_works_in_sections_by_task(make_user: Any) -> None:
    cadre = make_user(Role.CADRE)
    top, account = navigation.top_and_account(cadre)
    assert [str(s["label"]) for s in top] == [
        "今日",
        "农户",
        "线索与帮扶",
        "走访",
        "产业",
        "防疫",
        "报表",
    ]
    names = {i["name"] for s in top for i in s["items"]}
    # The village reads the greenhouses but records no harvest: not offered.
    assert "greenhouse-park" in names and "greenhouse-harvest" not in names
    assert "areas" not in names and all(i["name"] != "areas" for i in account)


@pytest.mark.django_db
def test_the_administrator_keeps_seven_and_finds_settings_in_the_account_menu(
    make_user: Any,
) -> None:
    admin = make_user(Role.ADMIN)
    top, account = navigation.top_and_account(admin)
    assert len(top) == navigation.MAX_TOP
    assert {i["name"] for i in account} >= {"areas", "policy-list"}


@pytest.mark.django_db
def test_a_role_starting_elsewhere_finds_its_page_under_today(make_user: Any) -> None:
    gate = make_user(Role.GATE)
    top, _account = navigation.top_and_account(gate)
    today = top[0]
    assert today["key"] == navigation.TODAY
    assert "epidemic-gate" in {i["name"] for i in today["items"]}
    # A gate volunteer sees only the gate's work.
    assert {s["key"] for s in top} == {navigation.TODAY, navigation.EPIDEMIC}


@pytest.mark.django_db
def test_the_page_shows_the_menu_once_for_the_desk_and_once_for_the_phone(
    make_user: Any,
) -> None:
    cadre = make_user(Role.CADRE)
    html = client_for(cadre).get("/").content.decode()
    assert html.count('class="va-bottom-nav') == 1 and html.count("va-nav-desk") == 1
    assert "线索与帮扶" in html and 'aria-current="page"' in html


def test_an_entry_in_an_unknown_section_is_refused() -> None:
    with pytest.raises(ValueError, match="section"):
        navigation.register(navigation.Entry("x", "home", section="nowhere"))


@pytest.mark.django_db
def test_may_open_reads_the_views_declaration(make_user: Any) -> None:
    cadre, sales = make_user(Role.CADRE), make_user(Role.SALES)
    assert access.may_open(cadre, "/")
    assert not access.may_open(cadre, "/areas/")
    assert not access.may_open(None, "/")
    assert not access.may_open(cadre, "/no-such-page/")
    assert access.may_open(sales, "/accounts/login/")  # public
