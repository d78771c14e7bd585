"""Background job kinds of the epidemic module."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from villageaid.core.jobs import job
from villageaid.core.models import Area
from villageaid.core.progress import Progress
from villageaid.epidemic import services
from villageaid.epidemic.models import ParkWorker


@job("epidemic.purge")
def purge(progress: Progress, *, as_of: str | None = None) -> dict[str, Any]:
    """Purge personal health data past its retention period (schedule daily)."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    progress.update(0, 1)
    log = services.epidemic_purge(as_of=day)
    progress.update(1, 1)
    return {"purge_log": log.pk, **log.counts}


@job("epidemic.missed_rounds")
def missed_rounds(progress: Progress, *, date: str, round: str) -> dict[str, int]:
    """Alert every village whose eligible workers were not measured in a round
    (schedule after each round, e.g. 10:00 and 16:00)."""
    day = dt.date.fromisoformat(date)
    codes = sorted(set(ParkWorker.objects.values_list("village_id", flat=True)))
    missing = 0
    for done, village in enumerate(Area.objects.filter(code__in=codes).order_by("code"), 1):
        missing += services.missed_rounds_alert(village=village, date=day, round=round, actor=None)
        progress.update(done, len(codes))
    return {"villages": len(codes), "missing": missing}
