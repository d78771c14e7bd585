"""Harvest records: area path copied from the park, validation, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.greenhouse import services
from villageaid.greenhouse.models import Harvest
from villageaid.greenhouse.tests.factories import house_in

pytestmark = pytest.mark.django_db


def test_harvest_record_copies_area_path_and_audits(areas: dict[str, Any]) -> None:
    house = house_in(areas["village"])
    harvest = services.harvest_record(
        house=house, date=dt.date(2020, 4, 8), grams=12_500, grade="B", picked_by="王"
    )
    assert harvest.area_path == areas["village"].path
    assert harvest.get_grade_display() == "二级"
    assert harvest.jin == 25
    assert AuditEvent.objects.filter(
        action="greenhouse.harvest", object_id=str(harvest.pk)
    ).exists()


@pytest.mark.parametrize(("grams", "grade"), [(0, "A"), (100, "Z")])
def test_harvest_record_refuses_bad_values(areas: dict[str, Any], grams: int, grade: str) -> None:
    house = house_in(areas["village"])
    with pytest.raises(ServiceError):
        services.harvest_record(house=house, date=dt.date(2020, 4, 8), grams=grams, grade=grade)
    assert not Harvest.objects.exists()
