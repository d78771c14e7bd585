"""The acceptance test in a real browser: the gate volunteer enters 37.3 °C on
the quick-entry page of a phone, sees entry refused, and the township is alerted."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.conftest import PASSWORD, browser_login
from villageaid.core.roles import Role
from villageaid.epidemic.models import GateAlert, Passage
from villageaid.epidemic.tests.samples import checkpoint_in

BANNER = "体温≥37.3℃，禁止进入，已通知镇里"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_gate_volunteer_is_refused_at_37_3(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    volunteer = make_user(Role.GATE)
    checkpoint_in(areas["village"], "北马村村口卡口")
    browser_login(page, live_server, volunteer.username)
    page.goto(f"{live_server.url}/epidemic/gate/")
    assert "北马村村口卡口" in page.content()
    page.click("label[for=party-outsider]")
    page.click("label[for=direction-in]")
    page.fill("#temperature", "37.2")
    page.click("[data-step='0.1']")  # the big + button
    assert page.input_value("#temperature") == "37.3"
    page.click("#submit")
    page.wait_for_load_state()
    assert page.locator("#result").inner_text().strip() == BANNER
    passage = Passage.objects.get()
    assert (passage.decision, str(passage.temperature), passage.party) == (
        "refused",
        "37.3",
        "outsider",
    )
    alert = GateAlert.objects.get(kind="fever")
    assert alert.township == areas["township"] and not alert.resolved


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_quick_entry_works_without_javascript(
    browser: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    volunteer = make_user(Role.GATE)
    checkpoint_in(areas["village"])
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        browser_login(page, live_server, volunteer.username, PASSWORD)
        page.goto(f"{live_server.url}/epidemic/gate/")
        assert not page.locator("[data-step='0.1']").is_visible()  # + only with JS
        page.fill("#temperature", "37.2")
        page.click("#submit")
        page.wait_for_load_state()
        assert "已放行" in page.locator("#result").inner_text()
    finally:
        context.close()
    assert Passage.objects.get().decision == "admitted"
    assert not GateAlert.objects.exists()
