"""Background job kinds of the visits app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.core import jobs
from villageaid.core.progress import Progress
from villageaid.visits import services


@jobs.job("visits.refresh")
def refresh_job(progress: Progress, *, today: str | None = None) -> dict[str, Any]:
    """Turn due visits whose date has passed overdue (run daily)."""
    day = dt.date.fromisoformat(today) if today else dt.date.today()
    return {"overdue": services.due_visits_refresh(today=day)}
