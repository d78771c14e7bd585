"""Drill (c) run by pytest: a private PostgreSQL cluster (port 5439, never the
shared 5432) is restarted while `villageaid serve` answers a request loop;
`/healthz` says 503 while it is down and everything answers 200 after
(see scripts/drills/pg_restart.py)."""

from __future__ import annotations

import shutil

import pytest

from villageaid.conftest import require_service

from .runner import run_drill


@pytest.mark.slow
@pytest.mark.postgres
def test_database_restart_under_load_recovers() -> None:
    for tool in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster"):
        if shutil.which(tool) is None:
            require_service("PostgreSQL", f"{tool} is needed for a private drill cluster")
    result, code, stderr = run_drill(
        "pg_restart",
        *("--seconds", "16", "--down-at", "5", "--down-for", "3", "--threads", "2"),
        timeout=240,
    )
    assert result["before"]["requests"] > 0 and result["before"]["non_200"] == 0, result
    assert result["healthz_while_down"] == [503], result
    assert result["recovery_seconds"] is not None, result
    assert result["after_recovery"]["requests"] > 0, result
    assert result["after_recovery"]["non_200"] == 0, result
    assert code == 0, stderr
