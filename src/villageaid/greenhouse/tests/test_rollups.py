"""Readings rollups and retention: the rollups equal a plain aggregation of the raw
readings however the inserts and runs interleave, retention never deletes a reading the
rollups do not hold, and both are idempotent."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.greenhouse import rollups, selectors
from villageaid.greenhouse.models import Reading, ReadingRollup, Sensor
from villageaid.greenhouse.tests.factories import house_in, sensor_for

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC)


def _plain(width: int) -> dict[tuple[int, dt.datetime], tuple[int, float, float, float]]:
    """(sensor, bucket start) → (count, mean, min, max), aggregated in Python from raw rows."""
    groups: dict[tuple[int, dt.datetime], list[float]] = defaultdict(list)
    for sensor_id, ts, value in Reading.objects.values_list("sensor_id", "ts", "value"):
        start = dt.datetime.fromtimestamp(int(ts.timestamp()) // width * width, tz=dt.UTC)
        groups[(sensor_id, start)].append(value)
    return {k: (len(v), sum(v) / len(v), min(v), max(v)) for k, v in groups.items()}


def _rolled(width: int) -> dict[tuple[int, dt.datetime], tuple[int, float, float, float]]:
    return {
        (r.sensor_id, r.start): (r.count, r.mean, r.minimum, r.maximum)
        for r in ReadingRollup.objects.filter(width=width)
    }


def _assert_equal(width: int) -> None:
    plain, rolled = _plain(width), _rolled(width)
    assert rolled.keys() == plain.keys()
    for key, (count, mean, low, high) in plain.items():
        assert rolled[key][0] == count, key
        assert rolled[key][1] == pytest.approx(mean), key
        assert rolled[key][2:] == (low, high), key


def _insert(sensor: Sensor, minutes: range, seed: int) -> None:
    rng = random.Random(seed)
    Reading.objects.bulk_create(
        [
            Reading(sensor=sensor, ts=T0 + dt.timedelta(minutes=m), value=rng.uniform(0, 30))
            for m in minutes
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def sensors(areas: dict[str, Any]) -> list[Sensor]:
    house = house_in(areas["village"])
    return [sensor_for(house, "air_temp"), sensor_for(house, "air_rh")]


def test_rollups_equal_plain_aggregation_across_interleaved_runs(sensors: list[Sensor]) -> None:
    temp, rh = sensors
    _insert(temp, range(0, 300), 1)
    _insert(rh, range(0, 300, 3), 2)
    assert rollups.rollup_readings() == 400
    _insert(temp, range(300, 420), 3)
    _insert(rh, range(8, 300, 9), 4)  # late readings into buckets already rolled up
    assert rollups.rollup_readings(chunk=37) == 120 + 33  # several transactions
    for width in rollups.WIDTHS:
        _assert_equal(width)
    hour = ReadingRollup.objects.get(sensor=temp, width=3600, start=T0)
    assert hour.count == 60
    assert rollups.rolled_up_to() == Reading.objects.order_by("-pk").values_list("pk").first()[0]


def test_rollup_is_idempotent(sensors: list[Sensor]) -> None:
    _insert(sensors[0], range(0, 90), 5)
    call_command("greenhouse_rollup")
    before = _rolled(300)
    assert rollups.rollup_readings() == 0
    call_command("greenhouse_rollup")
    assert _rolled(300) == before
    assert sum(n for n, *_ in before.values()) == 90


def test_retention_deletes_only_old_rolled_up_readings(sensors: list[Sensor]) -> None:
    temp = sensors[0]
    now = T0 + dt.timedelta(days=40)
    _insert(temp, range(0, 120), 6)  # 40 days old
    rollups.rollup_readings()
    _insert(temp, range(120, 180), 7)  # as old, but stored after the rollup ran
    _insert(temp, range(40 * 24 * 60 - 60, 40 * 24 * 60), 8)  # the last hour
    counts = rollups.readings_retention(now=now, keep_raw_days=30, rollup_first=False)
    assert counts["readings"] == 120
    left = Reading.objects.filter(ts__lt=now - dt.timedelta(days=30))
    assert left.count() == 60  # the un-rolled-up ones are kept
    assert min(left.values_list("pk", flat=True)) > rollups.rolled_up_to()
    assert ReadingRollup.objects.filter(width=3600, start=T0).get().count == 60


def test_retention_rolls_up_first_keeps_the_figures_and_is_idempotent(
    sensors: list[Sensor],
) -> None:
    temp = sensors[0]
    now = T0 + dt.timedelta(days=40)
    _insert(temp, range(0, 24 * 60, 5), 9)  # a whole day, 40 days ago
    _insert(temp, range(40 * 24 * 60 - 120, 40 * 24 * 60), 10)
    expected = {w: _plain(w) for w in rollups.WIDTHS}
    old_history = selectors.sensor_history(temp, T0, T0 + dt.timedelta(days=1), buckets=24)
    counts = rollups.readings_retention(now=now, keep_raw_days=30)
    assert counts["rolled_up"] == 288 + 120 and counts["readings"] == 288
    assert not Reading.objects.filter(ts__lt=T0 + dt.timedelta(days=1)).exists()
    for width in rollups.WIDTHS:
        assert _rolled(width).keys() == expected[width].keys()
    # the chart of the deleted day still draws, from the rollups
    history = selectors.sensor_history(temp, T0, T0 + dt.timedelta(days=1), buckets=24)
    assert [t for t, _ in history] == [t for t, _ in old_history]
    assert [v for _, v in history] == pytest.approx([v for _, v in old_history])
    again = rollups.readings_retention(now=now, keep_raw_days=30)
    assert again == {"rolled_up": 0, "readings": 0, "rollups_300s": 0, "rollups_3600s": 0}
    assert Reading.objects.count() == 120


def test_old_rollups_expire_by_their_own_setting(sensors: list[Sensor], settings: Any) -> None:
    settings.GREENHOUSE_ROLLUP_5MIN_DAYS = 10
    settings.GREENHOUSE_ROLLUP_HOUR_DAYS = 0  # forever
    _insert(sensors[0], range(0, 60), 11)
    counts = rollups.readings_retention(now=T0 + dt.timedelta(days=11), keep_raw_days=0)
    assert counts["readings"] == 0 and counts["rollups_300s"] == 12
    assert counts["rollups_3600s"] == 0 and ReadingRollup.objects.filter(width=3600).count() == 1


def test_long_history_combines_rollups_and_fresh_readings(sensors: list[Sensor]) -> None:
    temp = sensors[0]
    _insert(temp, range(0, 3 * 24 * 60, 2), 12)
    end = T0 + dt.timedelta(days=3)
    rollups.rollup_readings()
    _insert(temp, range(1, 3 * 24 * 60, 6), 13)  # not rolled up yet
    history = selectors.sensor_history(temp, T0, end, buckets=72)
    assert len(history) == 72 and history[1][0] - history[0][0] == dt.timedelta(hours=1)
    for start, mean in history:
        values = Reading.objects.filter(
            sensor=temp, ts__gte=start, ts__lt=start + dt.timedelta(hours=1)
        ).values_list("value", flat=True)
        assert mean == pytest.approx(sum(values) / len(values))


def test_house_page_offers_ranges_and_draws_a_month(areas: dict[str, Any], make_user: Any) -> None:
    house = house_in(areas["village"])
    temp = sensor_for(house, "air_temp")
    now = timezone.now()
    Reading.objects.bulk_create(
        [Reading(sensor=temp, ts=now - dt.timedelta(hours=h), value=10.0) for h in range(700)]
    )
    rollups.rollup_readings()
    page = client_for(make_user(Role.TECH)).get(f"/greenhouse/houses/{house.pk}/?hours=720")
    assert page.status_code == 200 and page.context["chart_hours"] == 720
    points = page.context["chart"]["series"][0]["data"]
    assert 100 < len(points) <= 200 and {v for _t, v in points} == {10.0}
    assert "?hours=168" in page.content.decode()
