"""A visit's answers through the API become dated figures on the household (issue 19)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.registry.models import HouseholdFigure
from villageaid.visits.tests.factories import pair_with_helpers, two_households


@pytest.mark.django_db
def test_api_answers_become_figures(areas: Any, make_user: Any) -> None:
    helper = make_user("helper")
    household, _ = two_households(areas)
    pair_with_helpers(household)
    body = {
        "household": household.pk,
        "visited_at": "2020-04-02T10:00:00+08:00",
        "checklist": {"water": "no"},
        "working_members": 2,
        "pupils": 1,
    }
    response = client_for(helper).post(
        "/api/v1/visits/visits", body, content_type="application/json"
    )
    assert response.status_code == 201
    found = {f.kind: f.value for f in HouseholdFigure.objects.filter(household=household)}
    assert found["working_members"] == Decimal(2) and found["pupils"] == Decimal(1)
    assert found["water_ok"] == Decimal(0)
    too_many = {**body, "working_members": 1000}
    refused = client_for(helper).post(
        "/api/v1/visits/visits", too_many, content_type="application/json"
    )
    assert refused.status_code == 422
