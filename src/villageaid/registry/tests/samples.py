"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.core import idnumber
from villageaid.registry.models import Household, Person


def household_in(area: Any, code: str) -> Household:
    grid = area.children.filter(level="grid").first()
    household = Household.objects.create(
        code=code, village=area, grid=grid, area_path=(grid or area).path, household_type="tuopin"
    )
    person = Person(
        household=household,
        name="测试",
        relationship="01",
        sex="2",
        birth_date=dt.date(1949, 12, 31),
    )
    sequence = "002" if code.endswith("1") else f"{sum(map(ord, code)) % 900 + 100:03d}"
    first17 = "11010519491231" + sequence
    person.set_id_number(first17 + idnumber.calc_check_digit(first17))
    person.save()
    return household


def _households(areas: dict[str, Any]) -> dict[str, Any]:
    own = household_in(areas["village"], "H-OWN-1")
    other = Household.objects.create(
        code="H-OTHER-2", village=areas["neighbour"], area_path=areas["neighbour"].path
    )
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/registry/households/{own.pk}",
        "other_url": f"/api/v1/registry/households/{other.pk}",
    }


SAMPLES = {"household-card": _households, "api:household": _households}
