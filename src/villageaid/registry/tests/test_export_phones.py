"""Exports show a household's phone number only to roles that may reveal personal data."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry.models import Household
from villageaid.registry.services import registry_export
from villageaid.registry.tests.samples import household_in

PHONE = "13812345678"


def exported_values(client: Any) -> list[Any]:
    response = client.get("/registry/households/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    return [cell.value for row in book.active.iter_rows() for cell in row]


@pytest.fixture
def household(areas: Any) -> Household:
    household = household_in(areas["village"], "H-1")
    household.phone = PHONE
    household.save()
    return household


@pytest.mark.django_db
def test_township_export_masks_phones(household: Household, make_user: Any) -> None:
    values = exported_values(client_for(make_user(Role.TOWNSHIP)))
    assert PHONE not in values
    assert "138****5678" in values


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CADRE, Role.COUNTY])
def test_roles_that_may_reveal_get_the_phone(
    household: Household, make_user: Any, role: str
) -> None:
    assert PHONE in exported_values(client_for(make_user(role)))


@pytest.mark.django_db
def test_masked_interchange_export_masks_phones(household: Household, tmp_path: Path) -> None:
    registry_export(
        directory=tmp_path, households=Household.objects.all(), actor=None, full_ids=False
    )
    with (tmp_path / "households.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["phone"] == "138****5678"
