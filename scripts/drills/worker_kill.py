"""Drill (b), with a real process: SIGKILL ``villageaid worker`` in the middle of a
roster import commit or of a screening run, restart it, and check that nothing is
lost, nothing is duplicated and the user is told what to do.

On its own PostgreSQL database ``villageaid_drill_worker_<pid>`` (created, and dropped
at the end unless ``--keep``; nothing else is touched):

1. migrate, load the demo areas and, for ``screening``, a synthetic registry of
   ``--persons`` people in Beima with a medical-claims file for a share of them;
   for ``import``, an XLSX roster of ``--persons`` people;
2. start the job (a screening run with push, or the roster import's commit) and a
   real ``villageaid worker`` process; SIGKILL the worker once the job reports
   progress (``--kill-after`` seconds after it started running);
3. start a new worker: django-tasks does not retake the claimed task, so the job
   stays "running"; ``villageaid jobs-fail-stale --minutes 0`` fails it with the
   message the user sees (the run page / import page);
4. submit again (a new run / commit the same import again); the new worker runs
   it to the end;
5. check: for ``import``, every person of the roster is in the registry exactly
   once (the killed commit left all or nothing); for ``screening``, the open
   clues equal, one for one, the clue set of a fresh ``--no-push`` reference
   run, none is pushed twice, and the killed run pushed nothing.

    .venv/bin/python scripts/drills/worker_kill.py --what screening --persons 40000
    .venv/bin/python scripts/drills/worker_kill.py --what import --persons 20000

Prints one JSON object; exits 0 only when every check holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

DB = f"villageaid_drill_worker_{os.getpid()}"  # two drills at once never share one
LOG = open(os.environ.get("DRILL_WORKER_LOG", os.devnull), "ab")  # noqa: SIM115
HOST = "127.0.0.1"


def sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, text=True)  # noqa: S603


def fresh_database() -> str:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        sh("psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-c", sql)
    return f"postgres://postgres@{HOST}:5432/{DB}"


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    sh(
        "psql",
        "-h",
        HOST,
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)",
    )


def worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "villageaid"), "worker", "--no-startup-delay"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=LOG,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=60)


def wait_job(job_id: int, states: set[str], seconds: float) -> str:
    from villageaid.core.models import JobProgress

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = str(JobProgress.objects.values_list("status", flat=True).get(pk=job_id))
        if status in states:
            return status
        time.sleep(0.1)
    raise SystemExit(f"job {job_id} never reached {states}")


def kill_during(job_id: int, kill_after: float, at_percent: int = 0) -> dict[str, Any]:
    """Run a worker until the job has run ``kill_after`` seconds, or (``at_percent``)
    until it reports at least that much progress, then SIGKILL it. Progress does not
    depend on how fast this machine is today; a fixed time does."""
    from villageaid.core.models import JobProgress

    proc = worker()
    try:
        wait_job(job_id, {"running"}, 120)
        if at_percent:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                row = JobProgress.objects.get(pk=job_id)
                if row.status != "running" or row.percent >= at_percent:
                    break
                time.sleep(0.02)
        else:
            time.sleep(kill_after)
        row = JobProgress.objects.get(pk=job_id)
        if row.status != "running":
            raise SystemExit(f"the job ended ({row.status}) before the kill: use more --persons")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return {"killed_at_percent": row.percent, "killed_at_message": row.message}
    finally:
        stop(proc)


def after_kill(job_id: int) -> dict[str, Any]:
    """A new worker does not retake the task; jobs-fail-stale fails it for the user."""
    from django.core.management import call_command

    from villageaid.core.models import JobProgress

    proc = worker()
    time.sleep(3)  # long enough to have taken the task if it ever would
    retaken = JobProgress.objects.get(pk=job_id).status != "running"
    stop(proc)
    call_command("jobs_fail_stale", "--minutes", "0", verbosity=0)
    row = JobProgress.objects.get(pk=job_id)
    return {"retaken_by_new_worker": retaken, "status_after": row.status, "message": row.message}


def run_to_end(job_id: int) -> str:
    proc = worker()
    try:
        return wait_job(job_id, {"done", "failed"}, 600)
    finally:
        stop(proc)


def prepare_registry(persons: int) -> Any:
    from villageaid.core.areas import areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.core.models import Area
    from villageaid.registry import synth
    from villageaid.registry.services import registry_commit

    areas_import(path=DEMO_AREAS)
    households, people = synth.generate_registry(persons, seed=5)
    registry_commit(households=households, persons=people, actor=None, source="drill")
    return Area.objects.get(code=synth.BEIMA_CODE), people


def drill_screening(options: argparse.Namespace) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from villageaid.core.models import Area
    from villageaid.screening import services
    from villageaid.screening.models import Clue

    _beima, people = prepare_registry(options.persons)
    county = Area.objects.get(code="371003000000")
    as_of = dt.date(2020, 4, 1)
    lines = ["id_number,admission_date,discharge_date,total_cost,self_pay"]
    for i, person in enumerate(people[:: max(1, len(people) // 3000)]):
        day = as_of - dt.timedelta(days=10 + i % 300)
        lines.append(f"{person['id_number']},{day},{day},{20000 + i},{3000 + (i * 97) % 12000}")
    services.dataset_upload(
        name="medical_claims",
        content=ContentFile("\n".join(lines).encode()),
        filename="medical_claims.csv",
        period_start=as_of - dt.timedelta(days=364),
        period_end=as_of,
        area=county,
        actor=None,
    )

    killed = services.run_start(as_of=as_of, area=county, actor=None, push=True)
    result: dict[str, Any] = {"what": "screening", "persons": options.persons}
    result["kill"] = kill_during(
        int(killed.job_id or 0), options.kill_after, options.kill_at_percent
    )
    result["killed_run_clues"] = Clue.objects.filter(run=killed).count()
    result["after_kill"] = after_kill(int(killed.job_id or 0))
    killed.refresh_from_db()
    result["killed_run_status"] = killed.status

    again = services.run_start(as_of=as_of, area=county, actor=None, push=True)
    result["rerun_job"] = run_to_end(int(again.job_id or 0))
    again.refresh_from_db()
    # The reference: the same screening run here, start to end, pushing nothing.
    reference: list[Any] = []
    services.run_execute(
        services.run_create(as_of=as_of, area=county, actor=None, push=False),
        on_result=lambda r: reference.extend(r.clues),
    )
    pushed = Counter(
        Clue.objects.filter(run__in=[killed, again]).values_list("rule_code", "household__code")
    )
    expected = {(c.rule_code, c.household_code) for c in reference}
    result["clues"] = {
        "rerun": again.clue_count,
        "reference": len(expected),
        "pushed_once": sum(1 for n in pushed.values() if n == 1),
        "pushed_twice_or_more": sum(1 for n in pushed.values() if n > 1),
        "missing": len(expected - set(pushed)),
        "extra": len(set(pushed) - expected),
    }
    result["ok"] = (
        result["after_kill"]["status_after"] == "failed"
        and not result["after_kill"]["retaken_by_new_worker"]
        and result["killed_run_clues"] == 0
        and result["rerun_job"] == "done"
        and result["clues"]["pushed_twice_or_more"] == 0
        and result["clues"]["missing"] == 0
        and result["clues"]["extra"] == 0
        and len(expected) > 0
    )
    return result


def drill_import(options: argparse.Namespace) -> dict[str, Any]:
    from villageaid.core.areas import areas_import
    from villageaid.core.demo import DEMO_AREAS
    from villageaid.core.models import Area, JobProgress
    from villageaid.registry import synth
    from villageaid.registry.imports import roster_import_commit, roster_import_stage
    from villageaid.registry.models import Person, RosterImport

    areas_import(path=DEMO_AREAS)
    beima = Area.objects.get(code=synth.BEIMA_CODE)
    households, people = synth.generate_registry(options.persons, seed=9)
    result: dict[str, Any] = {"what": "import", "persons": options.persons}
    with tempfile.TemporaryDirectory() as tmp:
        path = synth.write_roster_xlsx(Path(tmp) / "roster.xlsx", households, people)
        row = roster_import_stage(
            filename="roster.xlsx", content=path.read_bytes(), actor=None, village=beima
        )
        result["validate_job"] = run_to_end(int(row.job_id or 0))
        row.refresh_from_db()
        if row.status != RosterImport.Status.VALIDATED:
            raise SystemExit(f"the roster did not validate: {row.status} {row.counts}")

        row = roster_import_commit(row=row, actor=None)
        result["kill"] = kill_during(
            int(row.job_id or 0), options.kill_after, options.kill_at_percent
        )
        result["persons_after_kill"] = Person.objects.count()
        result["after_kill"] = after_kill(int(row.job_id or 0))
        row.refresh_from_db()
        result["import_status_after_kill"] = row.status

        row = roster_import_commit(row=row, actor=None)  # the user presses 提交 again
        result["recommit_job"] = run_to_end(int(row.job_id or 0))
        row.refresh_from_db()
        result["import_status"] = row.status
        result["jobs_failed_message"] = JobProgress.objects.filter(status="failed").count()

    ids = {p["id_number"] for p in people}
    stored = Person.objects.count()
    found = sum(1 for pid in ids if Person.objects.filter(id_hash=_hash(pid)).exists())
    result["persons"] = {"roster": len(ids), "stored": stored, "found": found}
    result["ok"] = (
        result["persons_after_kill"] in (0, len(ids))
        and result["after_kill"]["status_after"] == "failed"
        and not result["after_kill"]["retaken_by_new_worker"]
        and result["recommit_job"] == "done"
        and result["import_status"] == RosterImport.Status.COMMITTED
        and stored == len(ids) == found
    )
    return result


def _hash(value: str) -> str:
    from villageaid.core import pii

    return pii.lookup_hash(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", choices=["screening", "import"], required=True)
    parser.add_argument("--persons", type=int, default=40_000)
    parser.add_argument("--kill-after", type=float, default=0.5, help="seconds of running")
    parser.add_argument(
        "--kill-at-percent",
        type=int,
        default=0,
        help="kill once the job reports this much progress (instead of --kill-after)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the drill's database")
    options = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = fresh_database()
    media = tempfile.TemporaryDirectory(prefix="drill-media-")  # shared with the workers
    os.environ["MEDIA_ROOT"] = media.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villageaid.settings")
    os.environ.setdefault("VILLAGEAID_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    try:
        result = drill_screening(options) if options.what == "screening" else drill_import(options)
    finally:
        media.cleanup()
        if not options.keep:
            drop_database()
    result["seconds"] = round(time.monotonic() - started, 1)
    result["database"] = DB
    print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
