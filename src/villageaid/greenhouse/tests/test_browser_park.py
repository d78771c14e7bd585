"""The park page in a real browser: a tile changes colour as readings arrive (htmx polls
the tiles every 5 s), and the house page draws its ECharts history, also over 7 days
(from the rollups)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.greenhouse import rollups, services
from villageaid.greenhouse.ingest import Message, readings_ingest
from villageaid.greenhouse.models import Reading
from villageaid.greenhouse.tests.factories import house_in, sensor_for

POLL_MS = 12_000  # two htmx polls


def _publish(park: str, house: str, temp: float, rh: float) -> None:
    now = timezone.now()
    payload = json.dumps({"ts": now.isoformat(), "air_temp": temp, "air_rh": rh}).encode()
    counts = readings_ingest(
        messages=[Message(f"villageaid/{park}/{house}/telemetry", payload, now)]
    )
    assert counts["readings"] == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tiles_follow_new_readings_and_house_page_draws_chart(
    page: Any, live_server: Any, areas: Any, make_user: Any
) -> None:
    house = house_in(areas["village"], park_code="live-park", house_code="h1")
    services.crop_cycle_start(house=house, stage="fruiting")  # 5–18 °C, 65–85 %
    temp, rh = sensor_for(house, "air_temp"), sensor_for(house, "air_rh")
    now = timezone.now()
    Reading.objects.bulk_create(  # a week of history, every 30 minutes
        [
            Reading(sensor=s, ts=now - dt.timedelta(minutes=30 * i), value=v)
            for i in range(1, 7 * 48)
            for s, v in ((temp, 12.0 + (i % 48) / 12), (rh, 75.0))
        ]
    )
    rollups.rollup_readings()
    _publish("live-park", "h1", 12.0, 75.0)
    make_user(Role.TECH, username="tech-park")
    browser_login(page, live_server, "tech-park")

    page.goto(f"{live_server.url}/greenhouse/")
    tile = page.locator("#tiles .tile").first
    assert tile.get_attribute("data-status") == "green"
    assert "12.0°C" in tile.inner_text()
    assert "bg-success" in (tile.get_attribute("class") or "")

    _publish("live-park", "h1", 21.5, 75.0)  # too hot: outside the fruiting band
    page.wait_for_selector('#tiles .tile[data-status="red"]', timeout=POLL_MS)
    tile = page.locator("#tiles .tile").first
    assert "21.5°C" in tile.inner_text()
    assert "bg-danger" in (tile.get_attribute("class") or "")

    _publish("live-park", "h1", 17.5, 75.0)  # back inside, within 1 K of the edge
    page.wait_for_selector('#tiles .tile[data-status="amber"]', timeout=POLL_MS)
    assert "17.5°C" in page.locator("#tiles .tile").first.inner_text()

    page.click("#tiles a")
    page.wait_for_url(f"**/greenhouse/houses/{house.pk}/")
    page.wait_for_selector('[data-chart="house-chart"] canvas', timeout=10_000)
    chart = json.loads(page.locator("#house-chart").text_content() or "{}")
    assert len(chart["series"][0]["data"]) > 40  # 24 hours of temperatures

    page.click("a[href='?hours=168']")
    page.wait_for_url("**/?hours=168")
    page.wait_for_selector('[data-chart="house-chart"] canvas', timeout=10_000)
    week = json.loads(page.locator("#house-chart").text_content() or "{}")
    assert len(week["series"][0]["data"]) > 150  # a week, from the hourly rollups
    box = page.locator('[data-chart="house-chart"] canvas').first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    page.wait_for_timeout(1500)  # ECharts' drawing animation, for the screenshot
