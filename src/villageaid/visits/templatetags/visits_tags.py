"""``{% load visits_tags %}{% household_visits household %}`` on the household card: its
helper, what the latest visit found, and its condolence visits."""

from __future__ import annotations

from typing import Any

from django import template

from villageaid.core import access, roles
from villageaid.visits import selectors
from villageaid.visits.models import ANSWER_LABELS, CHECKLIST, COUNT_LABELS

register = template.Library()
MODULE = roles.Module.VISITS


@register.inclusion_tag("visits/_household_visits.html", takes_context=True)
def household_visits(context: template.Context, household: Any) -> dict[str, Any]:
    user = context["request"].user
    if not access.allowed(user, MODULE, roles.VIEW):
        return {"shown": False}
    visit = selectors.latest_visit(user, household)
    return {
        "shown": True,
        "household": household,
        "helper": selectors.current_helper(household),
        "visit": visit,
        "checks": _checks(visit),
        "counts": [
            (COUNT_LABELS[k], v)
            for k, v in (visit.answers if visit else {}).items()
            if k in COUNT_LABELS
        ],
        "condolences": selectors.household_condolences(user, household)[:10],
        "can_visit": access.permits(user, MODULE, roles.EDIT, household),
        "can_report": access.permits(user, roles.Module.CASES, roles.EDIT, household),
    }


def _checks(visit: Any) -> list[tuple[str, str, bool]]:
    """The 两不愁三保障 answers of the visit: (item, answer, is a problem)."""
    if visit is None:
        return []
    return [
        (CHECKLIST[k], ANSWER_LABELS.get(v, v), v == "no")
        for k, v in visit.checklist.items()
        if k in CHECKLIST
    ]
