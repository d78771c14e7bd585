"""Narrow helpers and assessors to their own households (registered in ``apps.ready``
for each of :data:`MODULES`).

``prefix`` is the lookup path from the scoped model to its household (``""`` for a
Household queryset, ``"household__"`` for a visit or a case, ``"case__household__"`` for
a measure), as ``core.access.scope`` passes it or finds it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from villageaid.core.roles import Module
from villageaid.visits.models import CampaignSample, HelperAssignment

# The modules whose records belong to households: a helper works on the paired ones, an
# assessor on the sampled ones, in all of them (a helper reached unpaired cases before).
MODULES = (Module.REGISTRY, Module.VISITS, Module.CASES)


def helper_households(user: Any, prefix: str) -> Q:
    current = HelperAssignment.objects.filter(helper=user, ended_on__isnull=True)
    return Q(**{f"{prefix}pk__in": current.values("household_id")})


def assessor_households(user: Any, prefix: str) -> Q:
    sampled = CampaignSample.objects.filter(campaign__assessors=user)
    return Q(**{f"{prefix}pk__in": sampled.values("household_id")})
