"""Landing-page cards: cases due at a step for my role, and overdue cases."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.cases import selectors
from villageaid.core import access, clock, roles
from villageaid.core.dashboard import Card


def case_cards(user: Any) -> list[Card]:
    if not access.allowed(user, roles.Module.CASES, roles.VIEW):
        return []
    cards = []
    if access.allowed(user, roles.Module.CASES, roles.EDIT):
        due = selectors.due_for(user).select_related("household", "step").order_by("deadline")
        items = [
            (
                f"{c.household.label} · {c.step.name if c.step else ''}",
                reverse("case-detail", args=[c.pk]),
            )
            for c in due[:5]
        ]
        cards.append(
            Card(
                title=_("待我办理的监测案件"),
                count=due.count(),
                url=reverse("case-list"),
                items=items,
            )
        )
    cards.extend(_clue_cards(user))
    overdue = selectors.case_search(user, {"overdue": "1"}, clock.today())
    if overdue.exists():
        cards.append(
            Card(
                title=_("超期案件"),
                count=overdue.count(),
                url=reverse("case-list") + "?overdue=1",
                tone="danger",
            )
        )
    return cards


def _clue_cards(user: Any) -> list[Card]:
    """Clues not yet ended (red when one is past its limit), and the township's sample."""
    from villageaid.cases import endings_selectors

    cards = []
    ages = endings_selectors.clue_ages(user)
    waiting = sum(bucket["count"] for bucket in ages)
    if waiting:
        late = sum(bucket["count"] for bucket in ages if bucket["overdue"])
        cards.append(
            Card(
                title=_("未处置的线索"),
                count=waiting,
                url=reverse("clue-endings"),
                tone="danger" if late else "primary",
            )
        )
    sample = endings_selectors.review_sample(user).count()
    if sample:
        cards.append(Card(title=_("待抽查的核实无风险"), count=sample, url=reverse("clue-endings")))
    return cards
