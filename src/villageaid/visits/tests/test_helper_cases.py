"""A helper (帮扶责任人) sees and writes only the cases of the households paired with them,
in the pages, the API and the services alike (issue 18, finding 2)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from villageaid.accounts.models import ApiToken
from villageaid.cases import services
from villageaid.cases.models import Case, CaseMeasure, Transition
from villageaid.cases.tests.factories import household
from villageaid.conftest import client_for
from villageaid.visits import services as visits_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(areas: Any, make_user: Any) -> dict[str, Any]:
    helper = make_user("helper")
    mine, theirs = household(areas["village"], "H-PAIR-1"), household(areas["village"], "H-NOT-2")
    visits_services.helper_assign(household=mine, helper=helper, actor=None)
    cases = {
        key: services.case_open(
            household=row, actor=None, source="clue", opened_on=dt.date(2020, 4, 8)
        )
        for key, row in (("mine", mine), ("theirs", theirs))
    }
    return {"helper": helper, "mine": mine, "theirs": theirs, **cases}


def _measure(case: Case) -> dict[str, str]:
    return {
        "measure": "education",
        "department": "教育局",
        "status": "planned",
        "granted_on": "2020-04-20",
    }


def test_pages_list_open_act_and_add_measures_on_paired_cases_only(
    setting: dict[str, Any],
) -> None:
    client = client_for(setting["helper"])
    mine, theirs = setting["mine"], setting["theirs"]
    listing = client.get(reverse("case-list")).content.decode()
    assert "H-PAIR-1" in listing and "H-NOT-2" not in listing
    assert client.get(reverse("case-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("case-detail", args=[mine.pk])).status_code == 200

    refused = client.post(reverse("case-measures", args=[theirs.pk]), _measure(theirs))
    assert refused.status_code == 404
    assert not CaseMeasure.objects.filter(case=theirs).exists()
    client.post(reverse("case-measures", args=[mine.pk]), _measure(mine))
    assert CaseMeasure.objects.filter(case=mine).count() == 1

    step = {"decision": "reject", "step_code": "verify", "reason": "不符合"}
    assert client.post(reverse("case-act", args=[theirs.pk]), step).status_code == 404
    assert not Transition.objects.filter(case=theirs).exists()
    client.post(reverse("case-act", args=[mine.pk]), step)
    assert Transition.objects.filter(case=mine, step_code="verify").count() == 1


def test_api_lists_opens_and_acts_on_paired_cases_only(setting: dict[str, Any]) -> None:
    from django.test import Client

    _, raw = ApiToken.issue(user=setting["helper"])
    client, headers = Client(), {"Authorization": f"Bearer {raw}"}
    mine, theirs = setting["mine"], setting["theirs"]
    listed = client.get("/api/v1/cases/cases", headers=headers).json()["items"]
    assert [row["household_code"] for row in listed] == ["H-PAIR-1"]
    assert client.get(f"/api/v1/cases/cases/{theirs.pk}", headers=headers).status_code == 404
    body = json.dumps({"decision": "reject", "step": "verify", "reason": "不符合"})
    refused = client.post(
        f"/api/v1/cases/cases/{theirs.pk}/transitions",
        body,
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 404
    assert not Transition.objects.filter(case=theirs).exists()
    done = client.post(
        f"/api/v1/cases/cases/{mine.pk}/transitions",
        body,
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 201, done.content


def test_services_check_the_pairing_themselves(setting: dict[str, Any]) -> None:
    """A caller that skips the selectors still cannot write an unpaired household's case."""
    helper, mine, theirs = setting["helper"], setting["mine"], setting["theirs"]
    grant = {"measure": "education", "department": "教育局", "granted_on": dt.date(2020, 4, 20)}
    with pytest.raises(Http404):
        services.measure_grant(case=theirs, actor=helper, **grant)
    assert not CaseMeasure.objects.filter(case=theirs).exists()
    services.measure_grant(case=mine, actor=helper, **grant)
    verify = next(s for s in services.steps_of(theirs) if s.code == "verify")
    assert not services.may_act(helper, theirs, verify)
    assert services.may_act(helper, mine, verify)
    with pytest.raises(Http404):
        services.case_open(
            household=household(setting["theirs"].household.village, "H-NOT-3"),
            actor=helper,
            source=Case.Source.CADRE_REPORT,
        )
