"""Browser: a visit form interrupted by a network cut keeps its input and submits exactly
once when the network returns (Debian's Chromium through Playwright)."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.conftest import browser_login
from villageaid.visits.models import Visit
from villageaid.visits.tests.factories import pair_with_helpers, two_households


@pytest.mark.django_db(transaction=True)
def test_interrupted_visit_form_submits_once_when_the_network_returns(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    helper = make_user("helper")
    household, _ = two_households(areas)
    pair_with_helpers(household)
    browser_login(page, live_server, helper.username)
    page.goto(f"{live_server.url}/visits/households/{household.pk}/visit/")
    page.fill("textarea[name=needs]", "需要技能培训")
    page.check("input[name=members_met]")

    page.context.set_offline(True)
    page.fill("textarea[name=suggestions]", "断网时填写的建议")
    page.click("form[data-offline-form] button[type=submit]")
    page.click(
        "form[data-offline-form] button[type=submit]"
    )  # an impatient second tap while offline
    page.wait_for_selector("[data-offline-status]:not([hidden])")
    assert "联网后将自动提交" in page.inner_text("[data-offline-status]")
    assert Visit.objects.count() == 0
    draft = page.evaluate(f"localStorage.getItem('villageaid:draft:visit-{household.pk}')")
    assert '"pending":true' in draft and "断网时填写的建议" in draft

    with page.expect_navigation():
        page.context.set_offline(False)
    page.wait_for_selector("[data-visit-saved]", state="attached")
    page.context.set_offline(True)  # a second flap must not send it again
    page.context.set_offline(False)
    page.wait_for_timeout(500)

    visit = Visit.objects.get()
    assert visit.suggestions == "断网时填写的建议"
    assert visit.needs == "需要技能培训"
    assert list(visit.members_met.all()) == list(household.members.all())
    assert visit.idempotency_key
    left = page.evaluate(f"localStorage.getItem('villageaid:draft:visit-{household.pk}')")
    assert left is None
