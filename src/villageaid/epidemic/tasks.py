"""Background job kinds of the epidemic module."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from villageaid.core.jobs import job
from villageaid.core.progress import Progress
from villageaid.epidemic import services


@job("epidemic.purge")
def purge(progress: Progress, *, as_of: str | None = None) -> dict[str, Any]:
    """Purge personal health data past its retention period (schedule daily)."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    progress.update(0, 1)
    log = services.epidemic_purge(as_of=day)
    progress.update(1, 1)
    return {"purge_log": log.pk, **log.counts}
