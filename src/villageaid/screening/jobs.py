"""The background job of a screening run (``villageaid worker``)."""

from __future__ import annotations

from typing import Any

from villageaid.core import jobs
from villageaid.core.progress import Progress
from villageaid.screening import services
from villageaid.screening.models import ScreeningRun


def run_failed(params: dict[str, Any], message: str) -> None:
    """The job failed or its worker died: the run says so instead of "running"."""
    ScreeningRun.objects.filter(
        pk=int(params.get("run_id") or 0),
        status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING],
    ).update(status=ScreeningRun.Status.FAILED, message=message)


@jobs.job(services.JOB_KIND, on_fail=run_failed)
def screening_run(progress: Progress, run_id: int) -> dict[str, Any]:
    run = ScreeningRun.objects.get(pk=run_id)
    run = services.run_execute(run, progress=progress)
    return {"run_id": run.pk, "clues": run.clue_count, "pushed": run.pushed_count}
