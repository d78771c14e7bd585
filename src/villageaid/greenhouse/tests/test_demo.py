"""The demo park: exact harvest total, history, and the live loop over the embedded broker."""

from __future__ import annotations

import datetime as dt
import io
import socket
import time
from typing import Any

import pytest
from django.db.models import Sum

from villageaid.core.demo import DemoContext
from villageaid.greenhouse import demo, live
from villageaid.greenhouse.models import Command, Harvest, House, Park, Reading, ReadingRollup


def _ctx() -> DemoContext:
    return DemoContext(password="x", stdout=io.StringIO())


@pytest.mark.django_db
def test_load_builds_the_beima_park_with_12000_jin(areas: dict[str, Any]) -> None:
    demo.load(_ctx())
    demo.load(_ctx())  # idempotent
    park = Park.objects.get(code="beima")
    assert park.houses.count() == len(demo.HOUSES)
    by_april = Harvest.objects.filter(date__lte=dt.date(2020, 4, 30)).aggregate(g=Sum("grams"))
    assert by_april["g"] == 6_000_000
    dates = Harvest.objects.values_list("date", flat=True)
    assert min(dates) >= dt.date(2020, 2, 1) and max(dates) <= dt.date(2020, 4, 30)
    assert set(Harvest.objects.values_list("grade", flat=True)) == {"A", "B", "C"}
    assert Reading.objects.filter(sensor__house__park=park, sensor__key="air_temp").count() > 200
    rolled = ReadingRollup.objects.filter(sensor__house__park=park, width=3600)
    assert rolled.aggregate(n=Sum("count"))["n"] == Reading.objects.count()
    house = park.houses.get(code="h01")
    assert house.cycles.get().stage == "fruiting"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_live_park_over_the_embedded_broker(areas: dict[str, Any]) -> None:
    demo.load(_ctx())
    port = _free_port()
    url = f"mqtt://127.0.0.1:{port}"
    stops = [live.start_broker("127.0.0.1", port)]
    try:
        houses = [("beima", h.code, h.has_motors) for h in House.objects.all()]
        simulator = live.simulator_for(url, live_trace(), houses, demo.LIVE_START, tick_s=0.2)
        before = Reading.objects.count()
        stops += live.start_park(url, simulator, control_every_s=0.5)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with live.DB_LOCK:
                fresh = Reading.objects.count() - before
                sent = Command.objects.filter(sent=True).exists()
            if fresh >= 5 * 6 * 5 and sent:
                break
            time.sleep(0.5)
    finally:
        for stop in reversed(stops):
            stop()
    assert Reading.objects.count() - before >= 5 * 6 * 5
    assert Command.objects.filter(sent=True, house__has_motors=True).exists()
    assert simulator.i >= 5


def live_trace() -> Any:
    from villageaid.greenhouse.simulation.weather import read_weather

    return read_weather(demo.TRACE)
