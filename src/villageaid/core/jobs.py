"""Background jobs: long work (imports, screening, exports, report builds)
runs in ``villageaid worker`` (django-tasks, database backend) and reports its
progress through a :class:`JobProgress` row that pages poll.

Apps register a job kind with :func:`job`; :func:`job_start` records the row
and enqueues it once the surrounding transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks import task

from villageaid.core import audit
from villageaid.core.models import Area, JobProgress
from villageaid.core.progress import Progress

JobFunction = Callable[..., Any]
_JOBS: dict[str, JobFunction] = {}


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``func(progress, **params)`` as the body of jobs of ``kind``."""

    def register(func: JobFunction) -> JobFunction:
        _JOBS[kind] = func
        return func

    return register


@task()
def run_job(job_id: int, params: dict[str, Any]) -> None:
    row = JobProgress.objects.get(pk=job_id)
    progress = Progress(job=row)
    try:
        result = _JOBS[row.kind](progress, **params)
    except Exception as exc:
        progress.fail(str(exc) or exc.__class__.__name__)
        raise
    progress.finish(result)


def job_start(
    *, kind: str, label: str, owner: Any, params: dict[str, Any], area: Area | None = None
) -> JobProgress:
    if kind not in _JOBS:
        raise ValueError(f"unknown job kind {kind!r}")
    row = JobProgress.objects.create(kind=kind, label=label, owner=owner, area=area)
    audit.record(actor=owner, action="job.start", obj=row, area=area, note=kind)
    transaction.on_commit(lambda: run_job.enqueue(row.pk, params))
    return row
