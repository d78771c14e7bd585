"""The scorecard on a 390×844 phone: both charts draw, nothing scrolls sideways, and the
figures carry thousands separators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.greenhouse.services import harvest_record
from villageaid.reports.tests.test_scorecard import END, START, house_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scorecard_charts_on_a_phone(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    house = house_in(areas["village"], "h1")
    harvest_record(house=house, date=dt.date(2020, 3, 2), grams=500 * 4_321)
    harvest_record(house=house, date=dt.date(2020, 4, 2), grams=500 * 7_679)
    browser_login(page, live_server, make_user(Role.CADRE).username)
    code = areas["village"].code
    page.goto(f"{live_server.url}/reports/scorecard/?area={code}&start={START}&end={END}")
    page.wait_for_selector("[data-chart=scorecard-chart-production] canvas")
    page.wait_for_selector("[data-chart=scorecard-chart-work] canvas")
    assert page.locator('[data-key="harvest_jin"]').inner_text() == "12,000"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("[data-chart=scorecard-chart-production]").scroll_into_view_if_needed()
