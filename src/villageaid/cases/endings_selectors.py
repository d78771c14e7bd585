"""Reads for clue endings and corrections, scoped through core.access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.cases.endings import ClueEnding, Correction
from villageaid.cases.services.clues import clue_deadline, open_clues
from villageaid.core import access, roles
from villageaid.screening.models import Clue

MODULE = roles.Module.CASES
# (label, youngest age in days, oldest age in days or None) of clues still within their
# limit; those past it (the policy version's identification limit) are counted apart.
AGE_BUCKETS: tuple[tuple[Any, int, int | None], ...] = (
    (_("0–2天"), 0, 2),
    (_("3–7天"), 3, 7),
    (_("8天以上"), 8, None),
)


def open_clues_for(user: Any, action: str = roles.EDIT) -> QuerySet[Clue]:
    rows = open_clues().select_related("household__village")
    return access.scope(rows, user, MODULE, action, area_path="area_path")


def clue_for(user: Any, pk: int) -> Clue:
    rows = Clue.objects.select_related("household__village")
    return access.get_for(rows, user, MODULE, roles.EDIT, area_path="area_path", pk=pk)


def clue_ages(user: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """How many clues are open, by age (days since found); the last bucket is overdue."""
    rows: list[Any] = with_ages(open_clues_for(user, roles.VIEW), today)
    current = [clue.age for clue in rows if not clue.overdue]
    buckets = [
        {
            "label": label,
            "count": sum(1 for a in current if a >= low and (high is None or a <= high)),
            "overdue": False,
        }
        for label, low, high in AGE_BUCKETS
    ]
    overdue = sum(1 for clue in rows if clue.overdue)
    return [*buckets, {"label": _("已超期"), "count": overdue, "overdue": True}]


def with_ages(clues: Any, today: dt.date | None = None) -> list[Clue]:
    """Each clue with its age in days, its deadline under its policy version and whether
    it is past it."""
    today = today or timezone.localdate()
    rows = list(clues)
    for clue in rows:
        clue.age = (today - timezone.localdate(clue.created_at)).days
        clue.deadline = clue_deadline(clue)
        clue.overdue = clue.deadline is not None and today > clue.deadline
    return rows


def endings_for(user: Any, action: str = roles.VIEW) -> QuerySet[ClueEnding]:
    rows = ClueEnding.objects.select_related("clue__household", "case", "verifier")
    return access.scope(rows, user, MODULE, action, area_path="area_path")


def review_sample(user: Any) -> QuerySet[ClueEnding]:
    """核实无风险 closures drawn for the township's sample check and not yet checked."""
    return endings_for(user, roles.EDIT).filter(
        ending=ClueEnding.Ending.NO_RISK, sampled=True, review=""
    )


def ending_for(user: Any, pk: int) -> ClueEnding:
    rows = ClueEnding.objects.select_related("clue__household__village")
    return access.get_for(rows, user, MODULE, roles.EDIT, area_path="area_path", pk=pk)


def corrections_for(user: Any, action: str = roles.VIEW) -> QuerySet[Correction]:
    rows = Correction.objects.select_related("household", "person", "requested_by", "decided_by")
    return access.scope(rows, user, MODULE, action, area_path="area_path")


def correction_for(user: Any, pk: int, action: str = roles.EDIT) -> Correction:
    rows = Correction.objects.select_related("household__village", "person")
    return access.get_for(rows, user, MODULE, action, area_path="area_path", pk=pk)


def corrections_approved(*, area_path: str, start: dt.date, end: dt.date) -> int:
    """Corrections approved (and applied) in the period: the scorecard counts them apart
    from the chain's decisions."""
    rows = Correction.objects.filter(
        area_path__startswith=area_path,
        status=Correction.Status.APPROVED,
        decided_on__range=(start, end),
    )
    return int(rows.count())
