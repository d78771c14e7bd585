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


def _refused(actuator: Actuator, tech: Any, **kwargs: Any) -> ServiceError:
    args: dict[str, Any] = {"value": 1.0, "minutes": 30, **kwargs}
    with pytest.raises(ServiceError) as caught:
        services.actuator_override_set(actuator=actuator, actor=tech, now=NOW, **args)
    return caught.value


def test_shade_five_is_refused_and_leaves_nothing(areas: dict[str, Any], tech: Any) -> None:
    house = house_in(areas["village"])
    shade = Actuator.objects.create(house=house, kind="shade", position=1.0)
    audits = AuditEvent.objects.count()
    error = _refused(shade, tech, value=5.0)
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
    areas: dict[str, Any], tech: Any, kind: str, kwargs: dict[str, Any], code: str
) -> None:
    actuator = Actuator.objects.create(house=house_in(areas["village"]), kind=kind)
    assert _refused(actuator, tech, **kwargs).code == code


def test_good_override_is_audited_with_unit_and_duration(areas: dict[str, Any], tech: Any) -> None:
    shade = Actuator.objects.create(house=house_in(areas["village"]), kind="shade", position=1.0)
    services.actuator_override_set(actuator=shade, value=0.0, minutes=45, actor=tech, now=NOW)
    event = AuditEvent.objects.filter(action="greenhouse.override").latest("pk")
    assert event.after is not None
    assert (event.after["value"], event.after["unit"], event.after["minutes"]) == (
        0.0,
        "on/off",
        45,
    )
    assert event.before == {"value": None, "position": 1.0}


def test_the_service_itself_refuses_another_village_and_a_read_only_role(
    areas: dict[str, Any], make_user: Any, cadre: Any
) -> None:
    """Every write checks the actor's area and role in the service, not only in the view."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from villageaid.core.roles import Role

    house = house_in(areas["village"])
    vent = Actuator.objects.create(house=house, kind="vent", position=0.0)
    neighbour_tech = make_user(Role.TECH, "neighbour")
    audits = AuditEvent.objects.count()
    with pytest.raises(Http404):
        services.actuator_override_set(
            actuator=vent, value=30.0, minutes=30, actor=neighbour_tech, now=NOW
        )
    with pytest.raises(PermissionDenied):  # a cadre may look at the park, not drive it
        services.actuator_override_set(actuator=vent, value=30.0, minutes=30, actor=cadre, now=NOW)
    with pytest.raises(Http404):
        services.harvest_record(
            house=house,
            date=dt.date(2026, 3, 1),
            grams=500,
            actor=neighbour_tech,
        )
    vent.refresh_from_db()
    assert (vent.position, vent.override_value) == (0.0, None)
    assert not Command.objects.filter(house=house).exists()
    assert AuditEvent.objects.count() == audits
