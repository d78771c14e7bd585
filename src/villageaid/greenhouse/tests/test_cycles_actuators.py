"""Stage profiles per park, crop cycles, manual overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.core.errors import ServiceError
from villageaid.greenhouse import selectors, services, stages
from villageaid.greenhouse.models import Actuator, Command, StageProfile
from villageaid.greenhouse.tests.factories import house_in

pytestmark = pytest.mark.django_db


def test_cycle_seeds_profiles_and_the_park_can_edit_its_band(areas: dict[str, Any]) -> None:
    house = house_in(areas["village"])
    assert selectors.house_band(house) is None
    services.crop_cycle_start(house=house, stage="fruiting")
    assert StageProfile.objects.filter(park=house.park).count() == len(stages.STAGES)
    band = selectors.house_band(house)
    assert band is not None
    assert (band.temp_min_c, band.temp_max_c, band.rh_min_pct, band.rh_max_pct) == (
        5.0,
        18.0,
        65.0,
        85.0,
    )
    profile = StageProfile.objects.get(park=house.park, stage="fruiting")
    services.stage_profile_update(
        profile=profile, temp_min_c=6, temp_max_c=17, rh_min_pct=70, rh_max_pct=88
    )
    band = selectors.house_band(house)
    assert band is not None and (band.temp_max_c, band.rh_min_pct) == (17, 70)
    with pytest.raises(ServiceError):
        services.stage_profile_update(
            profile=profile, temp_min_c=18, temp_max_c=17, rh_min_pct=70, rh_max_pct=88
        )


def test_unknown_stage_is_refused(areas: dict[str, Any]) -> None:
    house = house_in(areas["village"])
    with pytest.raises(ValueError, match="unknown stage"):
        services.crop_cycle_start(house=house, stage="flowering")


def test_override_sets_position_until_and_a_command(areas: dict[str, Any], tech: Any) -> None:
    house = house_in(areas["village"])
    vent = Actuator.objects.create(house=house, kind="vent", has_motor=True)
    now = dt.datetime(2026, 3, 15, 10, 0, tzinfo=dt.UTC)
    services.actuator_override_set(actuator=vent, value=25, minutes=30, actor=tech, now=now)
    vent.refresh_from_db()
    assert (vent.position, vent.override_until) == (25, now + dt.timedelta(minutes=30))
    command = Command.objects.get(house=house)
    assert (command.actuator, command.value, command.reason) == ("vent", 25, "人工接管30分钟")
    with pytest.raises(ServiceError):
        services.actuator_override_set(actuator=vent, value=120, minutes=30, actor=tech)


@pytest.mark.parametrize(
    ("temp", "rh", "stale", "status"),
    [
        (12.0, 75.0, False, "green"),
        (17.5, 75.0, False, "amber"),
        (19.0, 75.0, False, "red"),
        (12.0, 60.0, False, "red"),
        (12.0, 75.0, True, "grey"),
    ],
)
def test_band_status(temp: float, rh: float, stale: bool, status: str) -> None:
    assert selectors.band_status(temp, rh, stages.stage_band("fruiting"), stale) == status
