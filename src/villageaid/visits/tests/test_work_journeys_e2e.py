"""Browser journeys on a 390×844 phone (Debian's Chromium through Playwright): each of the
helper and campaign pages used by the demo role that works there, start to finish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from villageaid.cases.models import Case
from villageaid.conftest import browser_login
from villageaid.registry.tests.samples import household_in
from villageaid.visits import services
from villageaid.visits.models import (
    Campaign,
    CondolenceVisit,
    DueVisit,
    HelperAssignment,
    PartyMember,
    PointEntry,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE_WIDTH = 390


def _fits_the_phone(page: Any) -> None:
    """No sideways scrolling on the phone, and no raw household codes in the headings."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, width


def _people(areas: Any, make_user: Any) -> dict[str, Any]:
    cadre = make_user("cadre", username="cadre")
    helper = make_user("helper", username="helper")
    helper.first_name = "王帮扶"
    helper.save()
    household = household_in(areas["village"], "H-JOURNEY-1")
    return {"cadre": cadre, "helper": helper, "household": household}


def test_cadre_pairs_a_household_with_a_helper(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    people = _people(areas, make_user)
    browser_login(page, live_server, "cadre")
    page.goto(f"{live_server.url}/visits/pairing/")
    assert "1 户未结对" in page.content()
    page.click("#pairing-form-card summary")
    page.select_option("#id_household", str(people["household"].pk))
    page.select_option("#id_helper", str(people["helper"].pk))
    with page.expect_navigation():
        page.click("#pairing-form button")
    assert "已将 测试户 与 王帮扶 结对" in page.content()
    assert "王帮扶" in page.inner_text("#helper-load")
    _fits_the_phone(page)
    row = HelperAssignment.objects.get()
    assert (row.helper, row.assigned_by) == (people["helper"], people["cadre"])


def test_township_opens_a_campaign_with_a_seeded_sample(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    make_user("township", username="township")
    for code in ("H-J-10", "H-J-20", "H-J-30"):
        household_in(areas["village"], code)
    browser_login(page, live_server, "township")
    page.goto(f"{live_server.url}/visits/campaigns/")
    page.click("#campaign-form-card summary")
    page.fill("#id_name", "宋村镇2020年自查评估")
    page.check(f"input[name=villages][value='{areas['village'].code}']")
    page.fill("#id_start", "2020-04-01")
    page.fill("#id_end", "2020-04-30")
    page.fill("#id_sample_size", "2")
    page.fill("#id_sample_seed", "songcun-2020")
    page.click("#campaign-form button.btn-success")
    page.wait_for_selector("#campaign-sample")
    assert page.inner_text("#sample-seed") == "songcun-2020"
    assert page.locator("#campaign-sample a").count() == 2
    assert "北马村" in page.inner_text("#campaign-progress")
    _fits_the_phone(page)
    assert Campaign.objects.get().samples.count() == 2


def test_cadre_records_a_condolence_visit(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    people = _people(areas, make_user)
    browser_login(page, live_server, "cadre")
    page.goto(f"{live_server.url}/visits/party/")
    page.click("#condolence-new")
    page.select_option("#id_household", str(people["household"].pk))
    page.fill("#id_visited_on", "2020-01-20")
    page.fill("#id_occasion", "春节慰问")
    page.fill("#id_item", "大米")
    page.fill("#id_quantity", "10")
    page.fill("#id_unit", "公斤")
    page.fill("#id_cash_yuan", "200")
    page.click("#condolence-form button")
    page.wait_for_selector("#condolence-list")
    text = page.inner_text("#condolence-list")
    assert "春节慰问：大米 10公斤" in text and "慰问金 200 元" in text
    _fits_the_phone(page)
    assert CondolenceVisit.objects.get().household == people["household"]


def test_cadre_approves_a_points_claim_and_reads_the_ledger(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    people = _people(areas, make_user)
    household = people["household"]
    services.helper_assign(household=household, helper=people["helper"], actor=None)
    member = PartyMember.objects.create(
        name="老党员乙",
        village=areas["village"],
        household=household,
        birth_date=dt.date(1938, 5, 1),
        area_path=household.area_path,
    )
    services.point_entry_add(
        actor=people["helper"],
        member=member,
        reason="防疫卡口值守",
        points=10,
        on=dt.date(2020, 2, 10),
    )
    browser_login(page, live_server, "cadre")
    page.goto(f"{live_server.url}/visits/points/claims/")
    assert "防疫卡口值守" in page.inner_text("#pending-claims")
    with page.expect_navigation():
        page.click("#pending-claims button[value=approve]")
    assert "没有待审核的积分" in page.inner_text("#pending-claims")
    page.goto(f"{live_server.url}/visits/points/ledger/?member={member.pk}")
    assert page.inner_text("#ledger-total strong") == "10"
    _fits_the_phone(page)
    assert PointEntry.objects.get().approved_by == people["cadre"]


def test_helper_reports_a_difficulty_from_the_today_page(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    people = _people(areas, make_user)
    household = people["household"]
    services.helper_assign(household=household, helper=people["helper"], actor=None)
    DueVisit.objects.create(
        household=household, due_on=timezone.localdate(), area_path=household.area_path
    )
    browser_login(page, live_server, "helper")
    page.goto(f"{live_server.url}/visits/today/")
    with page.expect_navigation():
        page.click("[data-report-difficulty]")
    assert page.input_value("#id_household_code") == "H-JOURNEY-1"
    page.fill("#id_summary", "户主受疫情影响无法外出务工")
    with page.expect_navigation():
        page.click("form:has(#id_summary) button.btn-success")
    case = Case.objects.get()
    assert (case.household, case.summary) == (household, "户主受疫情影响无法外出务工")
    _fits_the_phone(page)


def test_helper_sees_the_latest_visit_answers_on_the_household_card(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    people = _people(areas, make_user)
    household = people["household"]
    services.helper_assign(household=household, helper=people["helper"], actor=None)
    browser_login(page, live_server, "helper")
    page.goto(f"{live_server.url}/visits/households/{household.pk}/visit/")
    page.select_option("#id_income_change", "down")
    page.fill("textarea[name=needs]", "屋顶漏雨")
    page.check("input[name=check_housing][value=no]")
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-visit-saved]", state="attached")
    page.goto(f"{live_server.url}/registry/households/{household.pk}/")
    card = page.inner_text("#household-visits")
    assert "减少" in card and "屋顶漏雨" in card and "住房安全有保障：否" in card
    assert "王帮扶" in card
    _fits_the_phone(page)
