"""Objects for the URL permission test.

A helper sees only the households paired with them and an assessor only the sampled ones
(``visits.narrowing``, registered for the visits *and* registry modules), so each sample pairs
its households with the helper persona and samples them for the assessor persona. The
registry's own household samples get the same treatment here, because the narrowing this app
registers applies to them.
"""

from __future__ import annotations

from typing import Any

from villageaid.registry.models import Household
from villageaid.registry.tests import samples as registry_samples
from villageaid.visits.tests.factories import (
    campaign_over,
    pair_with_helpers,
    two_households,
    visit_to,
)


def _grant(areas: dict[str, Any], own: Household, other: Household) -> None:
    pair_with_helpers(own)
    campaign_over(areas["village"], own, name="own")
    campaign_over(areas["neighbour"], other, name="other")


def _registry_households(areas: dict[str, Any]) -> dict[str, Any]:
    made = registry_samples._households(areas)
    own = Household.objects.get(pk=made["own"]["pk"])
    other = Household.objects.get(pk=made["other"]["pk"])
    _grant(areas, own, other)
    return made


def _households(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = two_households(areas)
    _grant(areas, own, other)
    return {"own": {"pk": own.pk}, "other": {"pk": other.pk}}


def _visits(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = two_households(areas)
    _grant(areas, own, other)
    mine, theirs = visit_to(own), visit_to(other)
    return {
        "own": {"pk": mine.pk},
        "other": {"pk": theirs.pk},
        "own_url": f"/api/v1/visits/visits/{mine.pk}",
        "other_url": f"/api/v1/visits/visits/{theirs.pk}",
    }


def _campaigns(areas: dict[str, Any], tail: str = "") -> dict[str, Any]:
    own, other = two_households(areas)
    pair_with_helpers(own)
    mine = campaign_over(areas["village"], own, name="own")
    theirs = campaign_over(areas["neighbour"], other, name="other")
    return {
        "own": {"pk": mine.pk},
        "other": {"pk": theirs.pk},
        "own_url": f"/api/v1/visits/campaigns/{mine.pk}{tail}",
        "other_url": f"/api/v1/visits/campaigns/{theirs.pk}{tail}",
        # A grid worker's area is a grid; a campaign covers a village.
        "narrowed": {"grid"},
    }


def _campaign_samples(areas: dict[str, Any]) -> dict[str, Any]:
    return _campaigns(areas, "/sample")


SAMPLES = {
    "household-card": _registry_households,
    "api:household": _registry_households,
    "visit-new": _households,
    "visit-detail": _visits,
    "api:visit": _visits,
    "campaign-detail": _campaigns,
    "api:campaign": _campaigns,
    "api:campaign_sample": _campaign_samples,
}
