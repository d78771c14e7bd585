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
import os
import sys


def fail_stale_jobs(*, minutes: float) -> list[int]:
    """Kept for the drill; the operator command is ``villageaid jobs-fail-stale``."""
    from villageaid.core.jobs import jobs_fail_stale

    return jobs_fail_stale(minutes=minutes)


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
