"""Drill (b): the worker dies in the middle of a roster import job.

A SIGKILLed ``villageaid worker`` leaves exactly this state behind: its
django-tasks row claimed (RUNNING, with its worker id) and the job's progress
"running". The drill builds that state (claim, then no finish), restarts a
worker (``db_worker --batch``) and shows that django-tasks does not retake the
task: the job would stay "running" silently. The operator command
``scripts/drills/fail_stale_jobs.py`` then fails it with a clear message, and
the user can submit the file again, which runs to the end once.
"""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.models import JobProgress
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import RosterImport

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "drills" / "fail_stale_jobs.py"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("fail_stale_jobs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_no_silent_job(
    areas: Any, make_user: Any, tmp_path: Path, settings: Any
) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path / "media"
    households, persons = synth.generate_registry(20, seed=7)
    path = synth.write_roster_xlsx(tmp_path / "r.xlsx", households, persons)
    client = client_for(make_user(Role.CADRE))
    with path.open("rb") as fh:
        client.post("/registry/imports/", {"file": fh, "village": ""})
    row = RosterImport.objects.get()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY

    # The worker claims the task and is SIGKILLed before it finishes.
    task.claim("killed-worker")
    JobProgress.objects.filter(pk=row.job_id).update(status=JobProgress.Status.RUNNING)
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )

    _worker()  # the restarted worker
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # not retaken
    assert JobProgress.objects.get(pk=row.job_id).status == JobProgress.Status.RUNNING

    failed = _script().fail_stale_jobs(minutes=30)
    job = JobProgress.objects.get(pk=row.job_id)
    assert failed == [job.pk]
    assert job.status == JobProgress.Status.FAILED
    assert "重新提交" in job.message
    assert "重新提交" in client.get(f"/registry/imports/{row.pk}/").content.decode()
    assert _script().fail_stale_jobs(minutes=30) == []  # nothing failed twice

    # Submitting again runs to the end, once.
    with path.open("rb") as fh:
        client.post("/registry/imports/", {"file": fh, "village": ""})
    _worker()
    again = RosterImport.objects.order_by("-pk").first()
    assert again is not None and again.pk != row.pk
    again.refresh_from_db()
    assert again.status == "validated"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
