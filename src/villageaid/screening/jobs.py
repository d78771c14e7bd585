"""The background job of a screening run (``villageaid worker``)."""

from __future__ import annotations

from typing import Any

from villageaid.core import jobs
from villageaid.core.progress import Progress
from villageaid.screening import services
from villageaid.screening.models import ScreeningRun


@jobs.job(services.JOB_KIND)
def screening_run(progress: Progress, run_id: int) -> dict[str, Any]:
    run = ScreeningRun.objects.get(pk=run_id)
    run = services.run_execute(run, progress=progress)
    return {"run_id": run.pk, "clues": run.clue_count, "pushed": run.pushed_count}
