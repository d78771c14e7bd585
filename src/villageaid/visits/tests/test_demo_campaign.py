"""The demo campaign's summary arises from its visit records and findings."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.urls import reverse

from villageaid.accounts import demo as accounts_demo
from villageaid.conftest import client_for
from villageaid.core.areas import areas_import
from villageaid.core.demo import DEMO_AREAS, DemoContext
from villageaid.registry import demo as registry_demo
from villageaid.visits import demo, selectors
from villageaid.visits.models import Campaign, CondolenceVisit, Finding, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def loaded(db: Any) -> DemoContext:
    """The demos this app builds on (areas, users, registry), then its own."""
    ctx = DemoContext(password="Demo-password-1", stdout=StringIO())
    areas_import(path=DEMO_AREAS)
    for module in (accounts_demo, registry_demo, demo):
        module.load(ctx)
    return ctx


def test_demo_campaign_summary_is_computed_from_records(loaded: DemoContext) -> None:
    campaign = Campaign.objects.get(name=demo.CAMPAIGN)
    assert selectors.campaign_summary(campaign) == {
        "households_visited": 460,
        "people_visited": 1064,
        "tuopin_households_verified": 39,
        "marginal_households_found": 8,
        "suspected_problems": 1,
    }
    # the figures are counts of rows, not typed in: removing a record changes them
    Finding.objects.filter(campaign=campaign, kind="suspected").delete()
    Visit.objects.filter(campaign=campaign).order_by("pk").first().delete()  # type: ignore[union-attr]
    summary = selectors.campaign_summary(campaign)
    assert summary["suspected_problems"] == 0
    assert summary["households_visited"] == 459


def test_demo_dashboard_and_party_members(loaded: DemoContext) -> None:
    campaign = Campaign.objects.get(name=demo.CAMPAIGN)
    page = client_for(loaded.users["cadre"]).get(reverse("campaign-detail", args=[campaign.pk]))
    html = page.content.decode()
    for name, value in (("households_visited", 460), ("people_visited", 1064)):
        assert f'data-figure="{name}">{value}<' in html
    visits = CondolenceVisit.objects.filter(visited_on__year=2020, visited_on__month=1)
    assert visits.values("member").distinct().count() == 19
    assert all(v.member.age_on(v.visited_on) >= 80 for v in visits)
    assert {g.item for v in visits for g in v.goods.all()} == {"大米", "食用油"}
    first, second = list(visits.values_list("visited_on", flat=True))[:2]
    assert first.year == second.year == 2020
