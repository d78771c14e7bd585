from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from villageaid.conftest import client_for
from villageaid.core.jobs import job, job_start
from villageaid.core.models import JobProgress
from villageaid.core.progress import Progress


@job("test.count")
def count(progress: Progress, *, upto: int) -> dict[str, int]:
    for i in range(1, upto + 1):
        progress.update(i, upto)
    return {"counted": upto}


@job("test.boom")
def boom(progress: Progress) -> None:
    raise RuntimeError("磁盘已满")


@pytest.mark.django_db(transaction=True)
def test_job_runs_in_the_worker_and_reports_progress(cadre: Any) -> None:
    row = job_start(kind="test.count", label="数数", owner=cadre, params={"upto": 7})
    assert JobProgress.objects.get(pk=row.pk).status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row.refresh_from_db()
    assert (row.status, row.done, row.percent, row.result) == ("done", 7, 100, {"counted": 7})
    page = client_for(cadre).get(f"/jobs/{row.pk}/", headers={"HX-Request": "true"})
    assert "100%" in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # finished: polling stops


@pytest.mark.django_db(transaction=True)
def test_failed_job_says_why(cadre: Any) -> None:
    row = job_start(kind="test.boom", label="失败", owner=cadre, params={})
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.message == "磁盘已满"


@pytest.mark.django_db(transaction=True)
def test_running_job_page_polls(cadre: Any) -> None:
    row = JobProgress.objects.create(
        kind="test.count", label="x", owner=cadre, status="running", done=3, total=10
    )
    html = client_for(cadre).get(f"/jobs/{row.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "30%" in html


_FAILED: list[tuple[dict[str, Any], str]] = []


@job("test.hooked", on_fail=lambda params, message: _FAILED.append((params, message)))
def hooked(progress: Progress, *, n: int) -> None:
    raise RuntimeError("坏了")


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_tells_its_app(cadre: Any) -> None:
    _FAILED.clear()
    job_start(kind="test.hooked", label="钩子", owner=cadre, params={"n": 3})
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert _FAILED == [({"n": 3}, "坏了")]


@pytest.mark.django_db(transaction=True)
def test_a_stale_job_tells_its_app(cadre: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from villageaid.core.jobs import jobs_fail_stale

    _FAILED.clear()
    row = job_start(kind="test.hooked", label="钩子", owner=cadre, params={"n": 4})
    DBTaskResult.objects.get().claim("killed-worker")  # claimed, then the worker died
    assert jobs_fail_stale(minutes=0) == [row.pk]
    assert _FAILED == [({"n": 4}, "后台工作进程中断，任务未完成，请重新提交")]
    assert jobs_fail_stale(minutes=0) == []  # told once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_progress_inside_a_transaction_is_seen_at_once(cadre: Any) -> None:
    """A roster commit reports progress from inside its transaction: other sessions see it
    while the work runs, not when it commits."""
    from django.db import transaction

    row = job_start(kind="test.count", label="数数", owner=cadre, params={"upto": 1})
    progress = Progress(job=row, interval=0)
    with transaction.atomic():
        progress.update(3, 10, "导入中")
        seen = JobProgress.objects.using("progress").get(pk=row.pk)
        assert (seen.status, seen.done, seen.total, seen.message) == ("running", 3, 10, "导入中")
    row.refresh_from_db()
    assert (row.status, row.done) == ("running", 3)
