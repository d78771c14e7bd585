"""Journey: an assigned helper does today's visits on a phone-sized screen — lands on
today's list after login, opens each due household, records the visit, and sees the
list empty at the end (screenshots ``journey_helper_*.png``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import browser_login
from villageaid.registry.tests.samples import household_in
from villageaid.visits import services
from villageaid.visits.models import DueVisit, Visit
from villageaid.visits.tests.factories import pair_with_helpers

SHOTS = Path(os.environ.get("ARTIFACTS_DIR", "artifacts"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_helper_does_todays_visits_on_a_phone(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    helper = make_user("helper")
    first = household_in(areas["village"], "V-TODAY-1")
    second = household_in(areas["village"], "V-TODAY-2")
    not_mine = household_in(areas["village"], "V-TODAY-3")  # due, but another helper's
    pair_with_helpers(first, second)
    for h, head in ((first, "韩一"), (second, "韩二"), (not_mine, "韩三")):
        type(h).objects.filter(pk=h.pk).update(head_name=head)  # pages name households by head
        h.refresh_from_db()
    today = timezone.localdate()
    services.due_visits_plan(households=[first, second, not_mine], on=today, actor=None)
    DueVisit.objects.filter(household=second).update(due_on=today - dt.timedelta(days=3))
    services.due_visits_refresh(today=today)  # the second one is overdue
    SHOTS.mkdir(parents=True, exist_ok=True)

    browser_login(page, live_server, helper.username)
    assert page.url.endswith("/visits/today/"), page.url  # the helper lands on today's work
    assert page.viewport_size == {"width": 390, "height": 844}
    listed = page.inner_text("main .list-group")
    assert not_mine.head_name not in listed
    assert 0 <= listed.index(second.head_name) < listed.index(first.head_name)  # overdue first
    page.screenshot(path=str(SHOTS / "journey_helper_1_today.png"), full_page=True)

    for n, household in enumerate((second, first), start=2):  # overdue first, as listed
        page.click(f"a:has-text('{household.head_name}户')")
        page.wait_for_load_state()
        assert page.url.endswith(f"/visits/households/{household.pk}/visit/")
        page.check("input[name=members_met]")
        page.fill("textarea[name=needs]", f"{household.code} 需要技能培训")
        page.screenshot(path=str(SHOTS / f"journey_helper_{n}_form.png"), full_page=True)
        with page.expect_navigation():
            page.click("form[data-offline-form] button[type=submit]")
        page.wait_for_selector("[data-visit-saved]", state="attached")
        page.goto(f"{live_server.url}/visits/today/")

    visits = Visit.objects.filter(visitor=helper)
    assert sorted(v.household.code for v in visits) == sorted([first.code, second.code])
    assert set(
        DueVisit.objects.filter(household__in=[first, second]).values_list("status", flat=True)
    ) == {"done"}
    assert DueVisit.objects.get(household=not_mine).status == "due"
    assert "今天没有待走访的农户" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "journey_helper_4_done.png"), full_page=True)
