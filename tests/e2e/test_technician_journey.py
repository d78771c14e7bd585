"""Journey: the park technician sees a humidity alert on the phone and takes
over a house's vent by hand (override), which the page then shows."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.greenhouse.models import Actuator, Alert
from villageaid.greenhouse.tests.factories import house_in

SHOTS = Path(os.environ.get("ARTIFACTS_DIR", "artifacts"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_technician_sees_humidity_alert_and_overrides_vent(
    page: Any, live_server: Any, make_user: Any, areas: Any
) -> None:
    house = house_in(areas["village"], park_code="journey-park", house_code="h1")
    vent = Actuator.objects.create(house=house, kind=Actuator.Kind.VENT)
    now = timezone.now()
    Alert.objects.create(
        house=house,
        kind=Alert.Kind.OUT_OF_BAND,
        message="空气湿度 96%，高于适宜上限 85%",
        opened_at=now,
        last_seen_at=now,
        area_path=house.park.area_path,
    )
    make_user(Role.TECH, username="tech-journey")
    browser_login(page, live_server, "tech-journey")
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/greenhouse/alerts/")
    assert "空气湿度 96%" in page.content()
    page.screenshot(path=str(SHOTS / "journey_tech_alert.png"), full_page=True)

    page.goto(f"{live_server.url}/greenhouse/houses/{house.pk}/override/")
    page.select_option("select[name=actuator]", "vent")
    page.fill("input[name=value]", "80")
    page.fill("input[name=minutes]", "30")
    page.click("main button.btn-warning, form button.btn-warning")
    page.wait_for_load_state()
    page.screenshot(path=str(SHOTS / "journey_tech_override.png"), full_page=True)

    vent.refresh_from_db()
    assert vent.override_value == 80
    assert vent.override_until is not None and vent.override_until > now
    assert page.url.endswith(f"/greenhouse/houses/{house.pk}/")
    assert "人工接管至" in page.content()
