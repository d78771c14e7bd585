"""The demo tells one consistent story (issue 19): every case's dates follow its clue and
its findings in order, the assistance plan starts after the decision, each of the 15 clues
ends somewhere with no second case for a household, and the 460 campaign visits are made by
the people who really visit: each paired household by its own helper, the others by the
village's staff."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from villageaid.accounts import demo as accounts_demo
from villageaid.cases import demo as cases_demo
from villageaid.cases.endings import ClueEnding
from villageaid.cases.models import Case, CaseMeasure
from villageaid.cases.services import clues as clue_services
from villageaid.core.areas import areas_import
from villageaid.core.demo import DEMO_AREAS, DemoContext
from villageaid.registry import demo as registry_demo
from villageaid.registry import synth
from villageaid.screening import demo as screening_demo
from villageaid.screening.models import Clue
from villageaid.visits import demo as visits_demo
from villageaid.visits.models import Finding, HelperAssignment, Visit

ORDER = ("verify", "compare", "review", "notice", "township", "county", "announce")


@pytest.fixture
def beima() -> dict[str, Any]:
    ctx = DemoContext(password="Demo-password-1", stdout=io.StringIO())
    areas_import(path=DEMO_AREAS)
    for module in (accounts_demo, registry_demo, screening_demo, cases_demo, visits_demo):
        module.load(ctx)
    return ctx.users


def _on(case: Case, code: str) -> Any:
    return case.transitions.get(step_code=code).on


@pytest.mark.django_db
def test_each_case_follows_its_clue_and_findings_in_order(beima: dict[str, Any]) -> None:
    cases = Case.objects.filter(household__village_id=synth.BEIMA_CODE)
    assert cases.count() == 9
    for case in cases:
        if case.clue_id is not None:
            clue = Clue.objects.get(pk=case.clue_id)
            assert timezone.localdate(clue.created_at) <= case.opened_on, case
        dates = [_on(case, code) for code in ORDER]
        assert case.opened_on <= dates[0], case
        assert dates == sorted(dates), (case, dates)
        assert case.decided_on == _on(case, "county")
        assert (case.decided_on - case.opened_on).days <= 15  # R-PROC-1
        notice = case.notices.get()
        assert dates[2] <= notice.opened_on and notice.closed_on == dates[3]
        for finding in Finding.objects.filter(household=case.household):
            assert case.opened_on <= finding.found_on <= case.decided_on, finding
    planned = CaseMeasure.objects.filter(case__in=cases, immediate=False)
    assert planned.exists()
    for measure in planned.select_related("case"):
        assert measure.granted_on > measure.case.decided_on  # the plan follows the decision
    immediate = CaseMeasure.objects.filter(case__in=cases, immediate=True)
    assert {m.case.household.code for m in immediate} == {synth.BEIMA_EPIDEMIC_CODE}


@pytest.mark.django_db
def test_every_demo_clue_ends_somewhere_and_no_household_has_two_cases(
    beima: dict[str, Any],
) -> None:
    clues = Clue.objects.filter(household__village_id=synth.BEIMA_CODE)
    assert clues.count() == 15
    assert not clue_services.open_clues().exists()
    endings = Counter(ClueEnding.objects.filter(clue__in=clues).values_list("ending", flat=True))
    assert endings == {"opened": 8, "joined": 6, "correction": 1}
    per_household = Counter(
        Case.objects.filter(household__village_id=synth.BEIMA_CODE).values_list(
            "household__code", flat=True
        )
    )
    assert max(per_household.values()) == 1


@pytest.mark.django_db
def test_the_campaign_visits_are_spread_over_the_real_visitors(beima: dict[str, Any]) -> None:
    visits = Visit.objects.filter(campaign__isnull=False)
    assert visits.count() == 460
    by_visitor = Counter(visits.values_list("visitor__username", flat=True))
    helpers = {name for name in by_visitor if name and name.startswith("helper")}
    assert len(helpers) >= 3 and None not in by_visitor
    # Each paired household is visited by its own helper, and only those; the village's own
    # staff visit the households nobody is paired with.
    paired = HelperAssignment.objects.filter(ended_on__isnull=True)
    assert paired.count() == sum(by_visitor[name] for name in helpers)
    for assignment in paired.select_related("helper"):
        visit = visits.get(household=assignment.household)
        assert visit.visitor == assignment.helper
    unpaired = visits.exclude(household__in=paired.values("household"))
    assert set(unpaired.values_list("visitor__role", flat=True)) <= {"cadre", "grid"}
