"""Drill (b) with real processes: ``villageaid worker`` is SIGKILLed in the middle of a
roster import commit and of a screening run on PostgreSQL; nothing is lost, nothing is
duplicated, and the job and the run say that the work was interrupted
(see scripts/drills/worker_kill.py)."""

from __future__ import annotations

from typing import Any

import pytest

from .runner import run_drill


def _drill(*args: str) -> dict[str, Any]:
    result, code, _stderr = run_drill("worker_kill", *args)
    assert code == 0, result
    return result


@pytest.mark.slow
@pytest.mark.postgres
def test_worker_killed_during_a_roster_commit() -> None:
    result = _drill("--what", "import", "--persons", "6000", "--kill-at-percent", "20")
    assert result["persons_after_kill"] == 0  # the commit is one transaction
    assert result["import_status_after_kill"] == "validated"  # the user can press 提交 again
    assert result["persons"] == {"roster": 6000, "stored": 6000, "found": 6000}


@pytest.mark.slow
@pytest.mark.postgres
def test_worker_killed_during_a_screening_run() -> None:
    result = _drill("--what", "screening", "--persons", "15000", "--kill-after", "0.3")
    assert result["killed_run_status"] == "failed" and result["killed_run_clues"] == 0
    clues = result["clues"]
    assert isinstance(clues, dict) and clues["reference"] > 0
    assert clues["missing"] == clues["extra"] == clues["pushed_twice_or_more"] == 0
