"""Landing-page cards: a helper's visits due today and overdue; a cadre's overdue visits."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.dashboard import Card
from villageaid.visits import selectors
from villageaid.visits.models import DueVisit

SHOWN = {roles.Role.HELPER, roles.Role.GRID, roles.Role.CADRE, roles.Role.TOWNSHIP}


def visit_cards(user: Any) -> list[Card]:
    if getattr(user, "role", "") not in SHOWN or not access.allowed(user, selectors.MODULE, "view"):
        return []
    today = clock.today()
    due = selectors.due_for(user, on=today)
    overdue = due.filter(status=DueVisit.Status.OVERDUE)
    url = reverse("visits-today")
    items = [
        (
            f"{row.household.label} · {row.due_on:%m-%d}",
            reverse("visit-new", args=[row.household_id]),
        )
        for row in due.order_by("due_on")[:5]
    ]
    return [
        Card(_("今日应走访"), due.count(), url, items),
        Card(_("逾期未走访"), overdue.count(), url, tone="danger"),
    ]
