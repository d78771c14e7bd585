from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry.tests.samples import household_in


@pytest.mark.django_db
def test_card_shows_the_household_cases_to_those_who_may_see_cases(
    areas: Any, make_user: Any
) -> None:
    from villageaid.cases import services

    household = household_in(areas["village"], "H-1")
    cadre = make_user(Role.CADRE)
    services.case_open(
        household=household, source="cadre_report", actor=cadre, opened_on=dt.date(2020, 4, 8)
    )
    page = client_for(cadre).get(f"/registry/households/{household.pk}/").content.decode()
    assert "监测帮扶" in page
    assert "2020" in page
    assessor = make_user(Role.ASSESSOR)  # reads the registry, not cases
    assert (
        "监测帮扶"
        not in client_for(assessor).get(f"/registry/households/{household.pk}/").content.decode()
    )
