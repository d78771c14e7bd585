"""A helper sees only the households currently paired with them; pairings keep history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.registry import selectors as registry_selectors
from villageaid.registry.tests.samples import household_in
from villageaid.visits import selectors, services
from villageaid.visits.models import HelperAssignment

pytestmark = pytest.mark.django_db


def test_helper_sees_only_paired_households_everywhere(areas: Any, make_user: Any) -> None:
    helper = make_user("helper")
    mine = household_in(areas["village"], "H-MINE-5")
    theirs = household_in(areas["village"], "H-THEIRS-6")
    services.helper_assign(household=mine, helper=helper, actor=None)
    for household in (mine, theirs):
        services.due_visits_plan(households=[household], on=dt.date.today(), actor=None)

    assert list(selectors.households_for(helper)) == [mine]
    assert list(registry_selectors.households_for(helper)) == [mine]
    assert [r.household for r in selectors.due_for(helper, on=dt.date.today())] == [mine]

    client = client_for(helper)
    page = client.get(reverse("visits-today")).content.decode()
    assert "H-MINE-5" in page and "H-THEIRS-6" not in page
    assert client.get(reverse("visit-new", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("household-card", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("visit-new", args=[mine.pk])).status_code == 200
    listing = client.get("/api/v1/visits/due").json()
    assert [row["household_code"] for row in listing["items"]] == ["H-MINE-5"]


def test_reassignment_closes_the_old_row_and_moves_the_household(
    areas: Any, make_user: Any
) -> None:
    first = make_user("helper", username="first")
    second = make_user("helper", username="second")
    household = household_in(areas["village"], "H-MOVE-7")
    services.helper_assign(household=household, helper=first, actor=None, on=dt.date(2020, 1, 1))
    services.helper_assign(
        household=household, helper=second, actor=None, on=dt.date(2020, 3, 1), reason="工作调动"
    )

    rows = list(HelperAssignment.objects.order_by("started_on"))
    assert [(r.helper, r.ended_on) for r in rows] == [
        (first, dt.date(2020, 2, 29)),
        (second, None),
    ]
    assert not selectors.households_for(first).exists()
    assert list(selectors.households_for(second)) == [household]
