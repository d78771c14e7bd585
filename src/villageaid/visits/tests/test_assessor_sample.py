"""A third-party assessor sees only the sampled households, read-only; the sample is
reproducible from its seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.registry import selectors as registry_selectors
from villageaid.registry.tests.samples import household_in
from villageaid.visits import selectors, services

pytestmark = pytest.mark.django_db


def _campaign(areas: Any, seed: str = "seed-1") -> Any:
    return services.campaign_create(
        actor=None,
        name=f"自查评估 {seed}",
        area=areas["village"],
        villages=[areas["village"]],
        start=dt.date(2020, 4, 1),
        end=dt.date(2020, 4, 30),
        sample_size=3,
        sample_seed=seed,
    )


def test_sample_is_reproducible_from_its_seed(areas: Any) -> None:
    for n in range(10):
        household_in(areas["village"], f"S-{n:02d}-9")
    campaigns = [_campaign(areas), _campaign(areas, "seed-1b"), _campaign(areas, "other")]
    campaigns[1].sample_seed = "seed-1"
    campaigns[1].save()
    drawn = [
        [s.household.code for s in services.campaign_draw_sample(actor=None, campaign=c)]
        for c in campaigns
    ]
    first, again = drawn[0], drawn[1]
    assert len(first) == 3
    assert first == again


def test_assessor_sees_only_sampled_households_read_only(areas: Any, make_user: Any) -> None:
    assessor = make_user("assessor")
    households = [household_in(areas["village"], f"A-{n:02d}-9") for n in range(6)]
    campaign = _campaign(areas)
    services.campaign_draw_sample(actor=None, campaign=campaign)
    services.campaign_assessor_add(actor=None, campaign=campaign, assessor=assessor)
    sampled = {s.household_id for s in campaign.samples.all()}
    assert len(sampled) == 3

    assert {h.pk for h in registry_selectors.households_for(assessor)} == sampled
    assert {h.pk for h in selectors.households_for(assessor)} == sampled

    client = client_for(assessor)
    page = client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    for household in households:
        assert (household.code in page) == (household.pk in sampled)
        card = client.get(reverse("household-card", args=[household.pk])).status_code
        assert card == (200 if household.pk in sampled else 404)
    one = next(iter(sampled))
    assert client.get(reverse("visit-new", args=[one])).status_code == 403
    assert client.post(reverse("visit-new", args=[one]), {}).status_code == 403
    api = client.post(
        "/api/v1/visits/visits",
        {"household": one, "visited_at": "2020-04-02T10:00:00+08:00"},
        content_type="application/json",
    )
    assert api.status_code == 403


def test_assessor_of_another_campaign_sees_nothing(areas: Any, make_user: Any) -> None:
    assessor = make_user("assessor")
    household_in(areas["village"], "B-01-9")
    campaign = _campaign(areas)
    services.campaign_draw_sample(actor=None, campaign=campaign)
    assert not registry_selectors.households_for(assessor).exists()
    assert not selectors.campaigns_for(assessor).exists()
