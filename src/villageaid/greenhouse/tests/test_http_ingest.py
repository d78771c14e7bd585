from __future__ import annotations

import json
from typing import Any

import pytest

from villageaid.accounts.models import ApiToken
from villageaid.core.roles import Role
from villageaid.greenhouse.models import House, Park, Reading, Sensor


@pytest.fixture
def house(areas: Any) -> House:
    park = Park.objects.create(
        code="beima", name="园区", village=areas["village"], area_path=areas["village"].path
    )
    house = House.objects.create(park=park, code="h1")
    Sensor.objects.create(house=house, key="air_temp", unit="°C")
    return house


def post(client: Any, house: House, token: str, body: Any) -> Any:
    return client.post(
        f"/api/v1/greenhouse/houses/{house.pk}/telemetry",
        data=body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.django_db
def test_gateway_posts_platform_json(client: Any, house: House, make_user: Any) -> None:
    _, token = ApiToken.issue(user=make_user(Role.TECH))
    body = {"ts": "2026-03-15T10:00:00+08:00", "air_temp": 12.3}
    response = post(client, house, token, body)
    assert response.status_code == 200, response.content
    assert response.json()["readings"] == 1
    post(client, house, token, body)  # a repeated post stores nothing new
    assert Reading.objects.count() == 1
    bad = post(client, house, token, b"{not json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_payload"
    assert Reading.objects.count() == 1


@pytest.mark.django_db
def test_gateway_of_another_village_is_refused(client: Any, house: House, make_user: Any) -> None:
    _, token = ApiToken.issue(user=make_user(Role.TECH, "neighbour"))
    assert post(client, house, token, {"air_temp": 1}).status_code == 404
    _, sales = ApiToken.issue(user=make_user(Role.SALES))  # may read the park, not write to it
    assert post(client, house, sales, {"air_temp": 1}).status_code == 403
