"""Narrow helpers and assessors to their own households (registered in ``apps.ready``).

``prefix`` is the lookup path from the scoped model to its household (``""`` for a
Household queryset, ``"household__"`` for a visit), as ``core.access.scope`` passes it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from villageaid.visits.models import CampaignSample, HelperAssignment


def helper_households(user: Any, prefix: str) -> Q:
    current = HelperAssignment.objects.filter(helper=user, ended_on__isnull=True)
    return Q(**{f"{prefix}pk__in": current.values("household_id")})


def assessor_households(user: Any, prefix: str) -> Q:
    sampled = CampaignSample.objects.filter(campaign__assessors=user)
    return Q(**{f"{prefix}pk__in": sampled.values("household_id")})
