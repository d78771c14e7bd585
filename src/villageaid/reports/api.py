from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from villageaid.core import access, clock, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.reports import selectors

router = Router(tags=["reports"])
MODULE = roles.Module.REPORTS


class ScorecardOut(Schema):
    area: str
    start: dt.date
    end: dt.date
    figures: dict[str, int | float | None]
    computed_at: str | None = None


def area_for(user: Any, code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    if not access.can(user, MODULE, roles.VIEW, area):
        raise PermissionDenied
    return area


@router.get("/scorecard", response=ScorecardOut)
@access.access(MODULE)
def scorecard(
    request: HttpRequest, area: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """Figures for an area and date range (defaults: the user's first area, this year to today)."""
    today = clock.today()
    start, end = start or dt.date(today.year, 1, 1), end or today
    if end < start:
        raise ServiceError("结束日期早于开始日期", code="bad_range")
    if not area:
        first = access.visible_areas(request.user).order_by("path").first()
        area = first.code if first else ""
    return selectors.scorecard(area=area_for(request.user, area), start=start, end=end)
