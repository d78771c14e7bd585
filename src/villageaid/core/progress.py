"""Progress of long work, shown on the page (a ``JobProgress`` row polled by
htmx) and in the terminal (a bar on stderr)."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from villageaid.core.models import JobProgress

ASIDE = "progress"


class Progress:
    """Report ``done``/``total``; writes to a job row and/or a terminal.

    Database writes are throttled to one per ``interval`` seconds so that a
    tight loop does not turn into a write storm.
    """

    def __init__(
        self,
        *,
        job: JobProgress | None = None,
        stream: TextIO | None = None,
        label: str = "",
        interval: float = 0.5,
    ) -> None:
        self.job = job
        self.stream = stream
        self.label = label or (job.label if job else "")
        self.interval = interval
        self._last = 0.0
        self._aside = ASIDE in settings.DATABASES
        self.done = 0
        self.total: int | None = None

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        self.update(done, total, message)

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._last < self.interval and (self.total is None or done < self.total):
            return
        self._last = now
        self._write(message)

    def _write(self, message: str) -> None:
        if self.job is not None:
            self.job.status = JobProgress.Status.RUNNING
            self.job.done, self.job.total = self.done, self.total
            if message:
                self.job.message = message
            if not self._write_aside():
                self.job.save(update_fields=["status", "done", "total", "message", "updated_at"])
        if self.stream is not None:
            self.stream.write("\r" + bar(self.done, self.total, self.label, message))
            self.stream.flush()

    def _write_aside(self) -> bool:
        """Inside a transaction (a roster commit is one), a write on the work's own
        connection is seen only when it commits, so the bar would stand still and the job
        look queued; write on the ``progress`` connection instead (PostgreSQL). Any failure
        (no such alias in a test, a lock held by the work's transaction) falls back to the
        work's own connection for the rest of the job."""
        assert self.job is not None
        if not self._aside or not transaction.get_connection().in_atomic_block:
            return False
        try:
            with transaction.atomic(using=ASIDE):
                with connections[ASIDE].cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                JobProgress.objects.using(ASIDE).filter(pk=self.job.pk).update(
                    status=self.job.status,
                    done=self.job.done,
                    total=self.job.total,
                    message=self.job.message,
                    updated_at=timezone.now(),
                )
        except Exception:  # progress must never break the work
            self._aside = False
            return False
        return True

    def finish(self, result: Any = None, message: str = "") -> None:
        if self.job is not None:
            self.job.status = JobProgress.Status.DONE
            self.job.done = self.total or self.done
            self.job.result = result
            self.job.message = message or self.job.message
            self.job.save()
        if self.stream is not None:
            self.stream.write(
                "\r" + bar(self.total or self.done, self.total, self.label, message) + "\n"
            )
            self.stream.flush()

    def fail(self, message: str) -> None:
        if self.job is not None:
            self.job.status = JobProgress.Status.FAILED
            self.job.message = message
            self.job.save()
        if self.stream is not None:
            self.stream.write("\n")


def bar(done: int, total: int | None, label: str = "", message: str = "", width: int = 30) -> str:
    if total:
        filled = int(width * min(done, total) / total)
        pct = f"{100 * min(done, total) / total:5.1f}%"
        return f"{label} [{'#' * filled}{'.' * (width - filled)}] {pct} {done}/{total} {message}"
    return f"{label} {done} {message}"


def terminal(label: str) -> Progress:
    return Progress(stream=sys.stderr if sys.stderr.isatty() else None, label=label)
