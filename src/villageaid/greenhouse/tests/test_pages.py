"""Greenhouse pages: park tiles, house page with chart and override, alerts, harvest entry,
the technician's landing card, and the SQL time-bucket downsampling."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.greenhouse import selectors, services
from villageaid.greenhouse.models import Actuator, Alert, Harvest, House, Reading, Sensor
from villageaid.greenhouse.tests.factories import house_in, sensor_for

pytestmark = pytest.mark.django_db


def _house(areas: dict[str, Any], code: str, temp: float, rh: float) -> House:
    house = house_in(areas["village"], house_code=code)
    services.crop_cycle_start(house=house, stage="fruiting")
    now = timezone.now()
    for key, value in (("air_temp", temp), ("air_rh", rh)):
        sensor = sensor_for(house, key, current_value=value, current_at=now)
        Reading.objects.bulk_create(
            [
                Reading(sensor=sensor, ts=now - dt.timedelta(minutes=m), value=value)
                for m in range(0, 600, 5)
            ]
        )
    Actuator.objects.create(house=house, kind="vent", has_motor=True)
    return house


def test_park_tiles_are_coloured_by_band_status(areas: dict[str, Any], make_user: Any) -> None:
    _house(areas, "h1", 12.0, 75.0)
    _house(areas, "h2", 19.5, 75.0)
    tech = make_user(Role.TECH)
    page = client_for(tech).get("/greenhouse/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 5s"' in html
    assert html.count('data-status="green"') == 1
    assert html.count('data-status="red"') == 1
    tiles = client_for(tech).get("/greenhouse/tiles/").content.decode()
    assert "<html" not in tiles and 'data-status="red"' in tiles


def test_house_page_has_chart_with_band_and_override(areas: dict[str, Any], make_user: Any) -> None:
    house = _house(areas, "h1", 12.0, 75.0)
    tech = make_user(Role.TECH)
    page = client_for(tech).get(f"/greenhouse/houses/{house.pk}/")
    assert page.status_code == 200
    chart = page.context["chart"]
    assert chart["series"][0]["markArea"]["data"] == [[{"yAxis": 5.0}, {"yAxis": 18.0}]]
    assert 0 < len(chart["series"][0]["data"]) <= 200
    assert 'data-chart="house-chart"' in page.content.decode()
    response = client_for(tech).post(
        f"/greenhouse/houses/{house.pk}/override/",
        {"actuator": "vent", "value": "20", "minutes": "15"},
    )
    assert response.status_code == 302
    vent = Actuator.objects.get(house=house)
    assert vent.override_value == 20 and vent.override_until > timezone.now()
    page = client_for(tech).get(f"/greenhouse/houses/{house.pk}/")
    assert "人工接管30分钟" not in page.content.decode()
    assert "人工接管15分钟" in page.content.decode()


def test_read_only_role_cannot_override(areas: dict[str, Any], cadre: Any) -> None:
    house = _house(areas, "h1", 12.0, 75.0)
    response = client_for(cadre).post(
        f"/greenhouse/houses/{house.pk}/override/",
        {"actuator": "vent", "value": "20", "minutes": "15"},
    )
    assert response.status_code == 403
    assert Actuator.objects.get(house=house).override_until is None


def test_alert_inbox_and_acknowledge(areas: dict[str, Any], make_user: Any) -> None:
    house = _house(areas, "h1", 12.0, 75.0)
    alert, _ = services.alert_open(
        house=house, kind=Alert.Kind.HEAT, message="棚太热", now=timezone.now()
    )
    tech = make_user(Role.TECH)
    inbox = client_for(tech).get("/greenhouse/alerts/").content.decode()
    assert "棚太热" in inbox
    response = client_for(tech).post(f"/greenhouse/alerts/{alert.pk}/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == tech


def test_harvest_entry_in_jin_stored_in_grams(areas: dict[str, Any], make_user: Any) -> None:
    house = _house(areas, "h1", 12.0, 75.0)
    other = house_in(areas["neighbour"], park_code="other")
    tech = make_user(Role.TECH)
    form = {"house": house.pk, "date": "2020-04-08", "grade": "B", "jin": "12.5"}
    response = client_for(tech).post("/greenhouse/harvests/", form)
    assert response.status_code == 302
    harvest = Harvest.objects.get()
    assert (harvest.grams, harvest.grade, harvest.area_path) == (6250, "B", house.park.area_path)
    response = client_for(tech).post("/greenhouse/harvests/", {**form, "house": other.pk})
    assert response.status_code == 200  # another village's house is not a choice
    assert Harvest.objects.count() == 1


def test_tech_landing_card_lists_houses_out_of_band(areas: dict[str, Any], make_user: Any) -> None:
    _house(areas, "h1", 12.0, 75.0)
    hot = _house(areas, "h2", 19.5, 75.0)
    hot.name = "二号棚"
    hot.save()
    tech = make_user(Role.TECH)
    home = client_for(tech).get("/")
    cards = {c.title: c for c in home.context["today"]}
    assert cards["超出适宜范围的大棚"].count == 1
    assert "二号棚" in cards["超出适宜范围的大棚"].items[0][0]
    assert "未处理的大棚报警" in cards
    cadre_home = client_for(make_user(Role.CADRE)).get("/")
    assert "超出适宜范围的大棚" not in {c.title for c in cadre_home.context["today"]}


def test_history_is_averaged_into_time_buckets(areas: dict[str, Any]) -> None:
    house = house_in(areas["village"])
    sensor: Sensor = sensor_for(house, "air_temp")
    start = dt.datetime(2026, 3, 15, 0, 0, tzinfo=dt.UTC)
    Reading.objects.bulk_create(
        [
            Reading(sensor=sensor, ts=start + dt.timedelta(minutes=m), value=float(m % 2))
            for m in range(24 * 60)
        ]
    )
    points = selectors.sensor_history(sensor, start, start + dt.timedelta(days=1), buckets=48)
    assert len(points) == 48
    assert all(v == pytest.approx(0.5) for _ts, v in points)
    assert points[1][0] - points[0][0] == dt.timedelta(minutes=30)
    assert json.dumps([[t.isoformat(), v] for t, v in points])
