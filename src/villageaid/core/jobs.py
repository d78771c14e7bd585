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
FailHook = Callable[[dict[str, Any], str], None]
_JOBS: dict[str, JobFunction] = {}
_ON_FAIL: dict[str, FailHook] = {}


def job(kind: str, *, on_fail: FailHook | None = None) -> Callable[[JobFunction], JobFunction]:
    """Register ``func(progress, **params)`` as the body of jobs of ``kind``.

    ``on_fail(params, message)`` runs when a job of this kind fails, by an exception or
    because its worker died (:func:`jobs_fail_stale`), so that the app's own record
    (a screening run, say) does not stay "running" either.
    """

    def register(func: JobFunction) -> JobFunction:
        _JOBS[kind] = func
        if on_fail is not None:
            _ON_FAIL[kind] = on_fail
        return func

    return register


def _failed(kind: str, params: dict[str, Any], message: str) -> None:
    hook = _ON_FAIL.get(kind)
    if hook is not None:
        hook(params, message)


@task()
def run_job(job_id: int, params: dict[str, Any]) -> None:
    row = JobProgress.objects.get(pk=job_id)
    progress = Progress(job=row)
    progress.update(0)  # "running" from the start, whatever the job reports later
    try:
        result = _JOBS[row.kind](progress, **params)
    except Exception as exc:
        message = str(exc) or exc.__class__.__name__
        progress.fail(message)
        _failed(row.kind, params, message)
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


STALE_MESSAGE = "后台工作进程中断，任务未完成，请重新提交"


def jobs_fail_stale(*, minutes: float) -> list[int]:
    """Fail tasks a killed worker left RUNNING for longer than ``minutes``.

    django-tasks' database backend never retakes a task it had claimed, so after a
    worker is killed (SIGKILL, OOM, reboot) its task and ``JobProgress`` would stay
    "running" forever. Returns the ids of the jobs failed; their page tells the
    user to submit again.
    """
    import datetime

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    failed: list[int] = []
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for task in stale:
            args = (task.args_kwargs or {}).get("args") or []
            task.status = TaskResultStatus.FAILED
            task.finished_at = timezone.now()
            task.exception_class_path = "builtins.RuntimeError"
            task.traceback = STALE_MESSAGE
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            if task.task_path.endswith("run_job") and args:
                rows = JobProgress.objects.filter(
                    pk=args[0], status__in=[JobProgress.Status.QUEUED, JobProgress.Status.RUNNING]
                )
                kind = rows.values_list("kind", flat=True).first()
                if kind is not None and rows.update(
                    status=JobProgress.Status.FAILED, message=STALE_MESSAGE
                ):
                    failed.append(int(args[0]))
                    params = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
                    _failed(kind, params, STALE_MESSAGE)
        if failed:
            audit.record(actor=None, action="jobs.fail_stale", note=f"{failed}")
    return failed
