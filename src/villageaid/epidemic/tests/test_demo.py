"""The Beima demo tells the article's story, and its figures are computed."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from villageaid.core.demo import DemoContext
from villageaid.epidemic import demo, selectors
from villageaid.epidemic.models import (
    Checkpoint,
    DisinfectionLog,
    RoadClosure,
    SupplyStock,
    TemperatureRound,
    WorkShift,
)


@pytest.mark.django_db
def test_demo_gate_masks_park_and_zero_infections(areas: Any) -> None:
    ctx = DemoContext(password="x", stdout=io.StringIO())
    demo.load(ctx)
    demo.load(ctx)  # idempotent
    beima = areas["village"]
    assert Checkpoint.objects.filter(village=beima).count() == 1  # one guarded entrance
    assert sorted(RoadClosure.objects.values_list("blocked_by", flat=True)) == [
        "2台工程车",
        "2台铲车",
    ]
    figures = selectors.figures(
        area_path=beima.path, start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 4)
    )
    assert figures["masks_distributed"] == 400
    assert figures["infections"] == 0 and figures["imported_cases"] == 0
    assert figures["passages"] > 0 and figures["fevers"] == 0
    assert SupplyStock.objects.get(village=beima, item="mask").quantity == 0
    days = (dt.date(2020, 4, 30) - dt.date(2020, 2, 11)).days + 1
    assert TemperatureRound.objects.count() == len(demo.WORKERS) * days * 2
    assert set(TemperatureRound.objects.values_list("round", flat=True)) == {"am", "pm"}
    for phase in ("before", "after"):
        assert DisinfectionLog.objects.filter(phase=phase).count() == days
    assert WorkShift.objects.count() == days
    assert "口罩发放 400 只" in ctx.stdout.getvalue()
