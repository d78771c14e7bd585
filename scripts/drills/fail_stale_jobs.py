"""Operator command: fail background jobs whose worker died (SIGKILL, OOM, reboot).

django-tasks' database backend marks a task RUNNING when a worker claims it and
never looks at it again: if that worker is killed, the task and its
``JobProgress`` stay "running" forever and a restarted worker does not retake
them. This marks every task RUNNING for longer than ``--minutes`` as FAILED and
its job as failed with a message telling the user to submit again.

    .venv/bin/python scripts/drills/fail_stale_jobs.py --minutes 30

Run it after restarting a worker that was killed, or from cron every 10 minutes
with a ``--minutes`` above the longest normal job.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys

MESSAGE = "后台工作进程中断，任务未完成，请重新提交"


def fail_stale_jobs(*, minutes: float) -> list[int]:
    """Fail tasks RUNNING for longer than ``minutes``; return the job ids failed."""
    from django.db import transaction
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from villageaid.core.models import JobProgress

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
            task.traceback = MESSAGE
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            if task.task_path.endswith("run_job") and args:
                count = JobProgress.objects.filter(
                    pk=args[0],
                    status__in=[JobProgress.Status.QUEUED, JobProgress.Status.RUNNING],
                ).update(status=JobProgress.Status.FAILED, message=MESSAGE)
                if count:
                    failed.append(int(args[0]))
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    import django

    django.setup()
    failed = fail_stale_jobs(minutes=options.minutes)
    print(f"failed {len(failed)} stale job(s): {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
