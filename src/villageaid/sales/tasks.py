"""Background job kinds of sales."""

from __future__ import annotations

from typing import Any

from villageaid.core.jobs import job
from villageaid.core.progress import Progress
from villageaid.sales import services


@job("sales.expire_reservations")
def expire_reservations(progress: Progress) -> dict[str, Any]:
    """Cancel reserved orders past ``reserved_until`` and put their grams back."""
    progress.update(0, 1)
    count = services.orders_expire()
    progress.update(1, 1)
    return {"expired": count}
