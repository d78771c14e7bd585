"""Shared fixtures: the demo area tree and three personas per area (a user of
this village, of the next village, and of the township above)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from villageaid.core.areas import area_create
from villageaid.core.models import Area
from villageaid.core.roles import Role

PASSWORD = "Test-password-123"  # noqa: S105

VILLAGE, NEIGHBOUR, TOWNSHIP = "371003105201", "371003105202", "371003105000"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark browser tests so they can be selected with ``-m browser``."""
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def require_service(name: str, reason: str) -> None:
    """Skip locally, but fail in CI, when a service a test needs is missing."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")


@pytest.fixture
def areas(db: Any) -> dict[str, Area]:
    province = area_create(code="370000000000", name="山东省", level="province", parent=None)
    city = area_create(code="371000000000", name="威海市", level="city", parent=province)
    county = area_create(code="371003000000", name="文登区", level="county", parent=city)
    township = area_create(code=TOWNSHIP, name="宋村镇", level="township", parent=county)
    other_township = area_create(
        code="371003106000", name="泽头镇", level="township", parent=county
    )
    village = area_create(code=VILLAGE, name="北马村", level="village", parent=township)
    neighbour = area_create(code=NEIGHBOUR, name="南马村", level="village", parent=township)
    grid = area_create(code=VILLAGE + "001", name="第一网格", level="grid", parent=village)
    return {
        "province": province,
        "city": city,
        "county": county,
        "township": township,
        "other_township": other_township,
        "village": village,
        "neighbour": neighbour,
        "grid": grid,
    }


ROLE_AREA: dict[str, str | None] = {
    Role.ADMIN: None,
    Role.CITY: "city",
    Role.COUNTY: "county",
    Role.TOWNSHIP: "township",
    Role.CADRE: "village",
    Role.HELPER: "village",
    Role.GRID: "grid",
    Role.ASSESSOR: "county",
    Role.TECH: "village",
    Role.SALES: "village",
    Role.GATE: "village",
}


@pytest.fixture
def make_user(areas: dict[str, Area]) -> Any:
    from villageaid.accounts.models import User

    def make(role: str, area: str | None = "default", username: str | None = None) -> User:
        key = ROLE_AREA[role] if area == "default" else area
        user = User.objects.create_user(
            username=username or f"{role}-{key}",
            password=PASSWORD,
            role=role,
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
        if key:
            user.areas.set([areas[key]])
        return user

    return make


@pytest.fixture
def cadre(make_user: Any) -> Any:
    return make_user(Role.CADRE)


@pytest.fixture
def neighbour_cadre(make_user: Any) -> Any:
    return make_user(Role.CADRE, "neighbour")


@pytest.fixture
def township_user(make_user: Any) -> Any:
    return make_user(Role.TOWNSHIP)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
