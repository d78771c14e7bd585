"""The landing card of the scorecard: this year's figures, up to the working date, for the
area the scorecard opens on (the same default as the scorecard page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.dashboard import Card
from villageaid.reports import selectors
from villageaid.reports.figures import by_key

SHOWN_KEYS = ("households_visited", "cases_opened", "harvest_jin", "sales_yuan")


def period_cards(user: Any) -> list[Card]:
    if not access.allowed(user, roles.Module.REPORTS, roles.VIEW):
        return []
    area = access.visible_areas(user).order_by("path").first()
    if area is None:
        return []
    today = clock.today()
    start = dt.date(today.year, 1, 1)
    figures = selectors.scorecard(area=area, start=start, end=today)["figures"]
    known = by_key()
    url = reverse("scorecard")
    items = [
        (f"{known[key].label} {figures[key]:,} {known[key].unit}", url)
        for key in SHOWN_KEYS
        if key in known and figures.get(key) is not None
    ]
    title = _("%(area)s 本年成绩单（%(start)s 至 %(end)s）") % {
        "area": area.name,
        "start": f"{start:%Y-%m-%d}",
        "end": f"{today:%Y-%m-%d}",
    }
    return [Card(title=title, url=url, items=items, tone="success")]
