"""Test data for the greenhouse app: a park with one house and its sensors."""

from __future__ import annotations

from typing import Any

from villageaid.greenhouse.models import House, Park, Sensor


def house_in(village: Any, park_code: str = "beima", house_code: str = "h1") -> House:
    park, _ = Park.objects.get_or_create(
        code=park_code, defaults={"name": park_code, "village": village, "area_path": village.path}
    )
    return House.objects.create(park=park, code=house_code, name=house_code)


def sensor_for(house: House, key: str, **fields: Any) -> Sensor:
    return Sensor.objects.create(house=house, key=key, **fields)
