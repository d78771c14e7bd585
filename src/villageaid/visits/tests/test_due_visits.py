"""Due visits appear on plan, turn overdue on schedule, and are closed by a visit."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from villageaid.core.models import Area
from villageaid.registry.models import Household
from villageaid.visits import selectors, services
from villageaid.visits.models import DueVisit, VisitRule
from villageaid.visits.tests.factories import two_households

pytestmark = pytest.mark.django_db
APRIL = dt.date(2020, 4, 1)


def _visited(household: Household, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    services.visit_record(actor=None, household=household, visited_at=moment)


def test_monitored_household_is_due_a_month_after_its_visit_others_a_quarter(areas: Any) -> None:
    monitored, other = two_households(areas)
    monitored.monitoring_status = "monitored"
    monitored.save()
    Household.objects.filter(pk=other.pk).update(net_income_12m=100000)
    other.refresh_from_db()
    for household in (monitored, other):
        _visited(household, dt.date(2020, 3, 10))
    services.due_visits_plan(households=[other], on=APRIL, actor=None)
    assert DueVisit.objects.get(household=other).due_on == dt.date(2020, 6, 10)
    # a monitored household is on the must-visit list, so it is due at once
    services.due_visits_plan(households=[monitored], on=APRIL, actor=None)
    row = DueVisit.objects.get(household=monitored)
    assert row.due_on == APRIL
    assert "monitored" in row.reasons


def test_area_rule_changes_the_interval(areas: Any) -> None:
    household, _ = two_households(areas)
    Household.objects.filter(pk=household.pk).update(net_income_12m=100000)
    household.refresh_from_db()
    VisitRule.objects.create(
        area=areas["village"], monitored_months=1, other_months=2, area_path=areas["village"].path
    )
    _visited(household, dt.date(2020, 3, 10))
    services.due_visits_plan(households=[household], on=APRIL, actor=None)
    assert DueVisit.objects.get(household=household).due_on == dt.date(2020, 5, 10)


def test_due_visits_turn_overdue_on_schedule_and_a_visit_closes_them(
    areas: Any, make_user: Any
) -> None:
    household, _ = two_households(areas)
    services.due_visits_plan(households=[household], on=APRIL, actor=None)
    cadre = make_user("cadre")
    assert [r.household for r in selectors.due_for(cadre, on=APRIL)] == [household]
    out = StringIO()
    call_command("visits_refresh", "--today", "2020-04-01", stdout=out)
    assert DueVisit.objects.get().status == "due"  # not yet past
    call_command("visits_refresh", "--today", "2020-04-02", stdout=out)
    assert DueVisit.objects.get().status == "overdue"
    assert "1 due visits turned overdue" in out.getvalue()
    _visited(household, dt.date(2020, 4, 3))
    row = DueVisit.objects.get()
    assert row.status == "done"
    assert row.visit is not None


def test_refresh_job_kind_is_registered(areas: Any) -> None:
    from villageaid.core import jobs

    household, _ = two_households(areas)
    DueVisit.objects.create(household=household, due_on=APRIL, area_path=household.area_path)
    result = jobs._JOBS["visits.refresh"](None, today="2020-05-01")
    assert result == {"overdue": 1}


def test_must_visit_reasons_from_registry_fields(areas: Any) -> None:
    household, _ = two_households(areas)
    member = household.members.get()
    member.health = "serious"
    member.school_stage = "senior"
    member.save()
    Household.objects.filter(pk=household.pk).update(net_income_12m=5000, risk_types="disaster")
    household.refresh_from_db()
    reasons = selectors.must_visit_reasons(household, on=APRIL)
    assert reasons == ["income", "illness", "education", "disaster"]
    assert isinstance(areas["village"], Area)
