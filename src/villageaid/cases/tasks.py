"""Background job: escalate overdue cases and clues (also ``villageaid cases_escalate``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.cases import services
from villageaid.core import jobs


@jobs.job("cases.escalate")
def escalate(progress: Any, today: str = "") -> dict[str, int]:
    day = dt.date.fromisoformat(today) if today else None
    count = services.cases_escalate(today=day)
    return {"escalated": count, "clues_escalated": services.clues_escalate(today=day)}
