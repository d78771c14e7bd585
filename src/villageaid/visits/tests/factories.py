"""Test data for the visits app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from villageaid.accounts.models import User
from villageaid.registry.models import Household
from villageaid.registry.tests.samples import household_in
from villageaid.visits.models import Campaign, CampaignSample, HelperAssignment, Visit


def pair_with_helpers(*households: Household) -> None:
    """Pair households with every helper user that exists (the persona under test)."""
    for helper in User.objects.filter(role="helper"):
        for household in households:
            if HelperAssignment.objects.filter(household=household, ended_on=None).exists():
                continue
            HelperAssignment.objects.create(
                helper=helper,
                household=household,
                started_on=dt.date(2020, 1, 1),
                area_path=household.area_path,
            )


def campaign_over(area: Any, *households: Household, name: str = "评估") -> Campaign:
    """A campaign in ``area`` sampling ``households``, assessed by every assessor user."""
    campaign = Campaign.objects.create(
        name=name,
        area=area,
        start=dt.date(2020, 4, 1),
        end=dt.date(2020, 4, 30),
        sample_size=len(households),
        sample_seed="test",
        area_path=area.path,
    )
    campaign.villages.set([area])
    for n, household in enumerate(households, start=1):
        CampaignSample.objects.create(campaign=campaign, household=household, position=n)
    campaign.assessors.set(User.objects.filter(role="assessor"))
    return campaign


def visit_to(household: Household, **fields: Any) -> Visit:
    return Visit.objects.create(
        household=household,
        visited_at=fields.pop("visited_at", timezone.now()),
        area_path=household.area_path,
        **fields,
    )


def two_households(areas: dict[str, Any], suffix: str = "") -> tuple[Household, Household]:
    own = household_in(areas["village"], f"V-OWN{suffix}-3")
    other = household_in(areas["neighbour"], f"V-OTHER{suffix}-4")
    return own, other
