"""Manual overrides are checked per actuator (range, unit, duration), refused in Chinese, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.greenhouse import services
from villageaid.greenhouse.models import Actuator, Command
from villageaid.greenhouse.tests.factories import house_in

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 15, 10, 0, tzinfo=dt.UTC)


def _refused(actuator: Actuator, cadre: Any, **kwargs: Any) -> ServiceError:
    args: dict[str, Any] = {"value": 1.0, "minutes": 30, **kwargs}
    with pytest.raises(ServiceError) as caught:
        services.actuator_override_set(actuator=actuator, actor=cadre, now=NOW, **args)
    return caught.value


def test_shade_five_is_refused_and_leaves_nothing(areas: dict[str, Any], cadre: Any) -> None:
    house = house_in(areas["village"])
    shade = Actuator.objects.create(house=house, kind="shade", position=1.0)
    audits = AuditEvent.objects.count()
    error = _refused(shade, cadre, value=5.0)
    assert error.code == "override_value"
    assert "设定值应在0到1" in error.message
    shade.refresh_from_db()
    assert (shade.position, shade.override_value, shade.override_until) == (1.0, None, None)
    assert not Command.objects.filter(house=house).exists()
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("kind", "kwargs", "code"),
    [
        ("shade", {"value": 0.5}, "override_value"),
        ("fan", {"value": 2.0}, "override_value"),
        ("mist", {"value": 61.0}, "override_value"),
        ("vent", {"value": -1.0}, "override_value"),
        ("vent", {"value": float("nan")}, "override_value"),
        ("vent", {"value": 30.0, "unit": "cm"}, "override_unit"),
        ("mist", {"value": 30.0, "minutes": 121}, "override_minutes"),
        ("vent", {"value": 30.0, "minutes": 0}, "override_minutes"),
    ],
)
def test_bad_overrides_are_refused(
    areas: dict[str, Any], cadre: Any, kind: str, kwargs: dict[str, Any], code: str
) -> None:
    actuator = Actuator.objects.create(house=house_in(areas["village"]), kind=kind)
    assert _refused(actuator, cadre, **kwargs).code == code


def test_good_override_is_audited_with_unit_and_duration(areas: dict[str, Any], cadre: Any) -> None:
    shade = Actuator.objects.create(house=house_in(areas["village"]), kind="shade", position=1.0)
    services.actuator_override_set(actuator=shade, value=0.0, minutes=45, actor=cadre, now=NOW)
    event = AuditEvent.objects.filter(action="greenhouse.override").latest("pk")
    assert event.after is not None
    assert (event.after["value"], event.after["unit"], event.after["minutes"]) == (
        0.0,
        "on/off",
        45,
    )
    assert event.before == {"value": None, "position": 1.0}
