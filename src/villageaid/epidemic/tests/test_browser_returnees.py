"""Browser journeys on a 390×844 phone: the returnee list (register, daily check, release)
and closed-village mode (switch on, the quick entry refuses a non-resident, banner shown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.epidemic.models import Passage, Returnee, VillageClosure
from villageaid.epidemic.tests.samples import checkpoint_in

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cadre_registers_checks_and_releases_a_returnee_on_a_phone(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    cadre = make_user(Role.CADRE)
    today = dt.date.today()
    browser_login(page, live_server, cadre.username)
    page.goto(f"{live_server.url}/epidemic/returnees/")
    page.click("#returnee-new")
    page.select_option("#id_area", label="北马村")
    page.fill("#id_name", "韩晓明")
    page.fill("#id_origin", "武汉")
    page.fill("#id_arrived_on", (today - dt.timedelta(days=14)).isoformat())
    page.click("#submit")
    page.wait_for_load_state()
    row = page.locator("[data-returnee]").first
    assert "韩晓明" in row.inner_text() and "漏测" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row.locator("a").click()
    page.wait_for_load_state()
    page.fill("#id_date", (today - dt.timedelta(days=1)).isoformat())  # the last day
    page.fill("#id_temperature", "36.5")
    page.click("#check-submit")
    page.wait_for_load_state()
    assert "已记录当天健康监测" in page.content()
    page.click("#release")
    page.wait_for_load_state()
    assert "已解除观察" in page.content()
    assert "目前没有观察中的返乡人员" in page.content()
    person = Returnee.objects.get()
    assert (person.status, person.observation_days, person.checks.count()) == ("released", 14, 1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_closed_village_turns_the_quick_entry_residents_only_on_a_phone(
    page: Any, browser: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    checkpoint_in(areas["village"], "北马村村口卡口")
    cadre, volunteer = make_user(Role.CADRE), make_user(Role.GATE)
    browser_login(page, live_server, cadre.username)
    page.goto(f"{live_server.url}/epidemic/closure/")
    page.fill("#id_reason", "疫情防控，封闭支路")
    page.click("#closure-start")
    page.wait_for_load_state()
    assert page.locator(".va-closure-banner").is_visible()
    gate = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    try:
        browser_login(gate, live_server, volunteer.username)
        gate.goto(f"{live_server.url}/epidemic/gate/")
        banner = gate.locator(".va-closure-banner")
        assert banner.is_visible() and "北马村封村中" in banner.inner_text()
        gate.click("label[for=party-outsider]")
        gate.click("label[for=direction-in]")
        gate.fill("#temperature", "36.5")
        gate.click("#submit")
        gate.wait_for_load_state()
        assert "封村期间，非本村人员禁止进入" in gate.locator("#result").inner_text()
        assert gate.locator(".va-closure-banner").is_visible()
    finally:
        gate.context.close()
    passage = Passage.objects.get()
    assert (passage.decision, passage.party, passage.closure) == (
        "refused",
        "outsider",
        VillageClosure.objects.get(),
    )
