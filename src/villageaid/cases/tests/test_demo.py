"""The Beima demo tells the seed article's story and feeds the scorecard figures."""

from __future__ import annotations

import datetime as dt
import io
import statistics

import pytest

from villageaid.accounts import demo as accounts_demo
from villageaid.cases import demo
from villageaid.cases.models import Case, CaseMeasure
from villageaid.core.areas import areas_import
from villageaid.core.demo import DEMO_AREAS, DemoContext
from villageaid.registry import demo as registry_demo
from villageaid.registry import synth
from villageaid.registry.models import Household


@pytest.mark.django_db
def test_demo_cases_in_beima() -> None:
    ctx = DemoContext(password="Demo-password-1", stdout=io.StringIO())
    areas_import(path=DEMO_AREAS)
    accounts_demo.load(ctx)
    registry_demo.load(ctx)
    demo.load(ctx)
    demo.load(ctx)  # idempotent
    cases = Case.objects.filter(household__village_id=synth.BEIMA_CODE)
    assert cases.count() == 9
    assert set(cases.values_list("status", flat=True)) == {"monitored"}
    epidemic = cases.get(household__code=synth.BEIMA_EPIDEMIC_CODE)
    assert epidemic.opened_on == dt.date(2020, 4, 8) and epidemic.category == "tp_monitor"
    assert set(epidemic.risk_types.split(";")) == {"epidemic", "employment"}
    fund = epidemic.measures.get(measure="township_fund")
    assert fund.immediate and fund.status == "delivered" and fund.granted_on < epidemic.decided_on  # type: ignore[operator]
    household = Household.objects.get(code=synth.BEIMA_EPIDEMIC_CODE)
    assert (household.monitoring_status, household.monitoring_category) == ("monitored", "unstable")
    marginal = cases.filter(household__code__in=synth.BEIMA_MARGINAL_CODES)
    assert marginal.count() == 8 and set(marginal.values_list("category", flat=True)) == {
        "edge"  # NAT-2020 边缘户
    }
    assisted = CaseMeasure.objects.exclude(status="planned").values("case").distinct().count()
    assert assisted == 9
    days = [(c.decided_on - c.opened_on).days for c in cases]  # type: ignore[operator]
    assert 10 <= statistics.median(days) <= 18
