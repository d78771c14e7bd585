"""Objects for the URL permission test (see core/tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from villageaid.core.models import JobProgress


def _job(areas: dict[str, Any]) -> dict[str, Any]:
    # Jobs are visible to their owner only; a job of nobody is invisible to all
    # but the administrator.
    own = JobProgress.objects.create(kind="test", label="test", area=areas["village"])
    return {
        "own": {"job_id": own.pk},
        "other": {"job_id": own.pk},
        "own_url": f"/api/v1/jobs/{own.pk}",
        "other_url": f"/api/v1/jobs/{own.pk}",
        "narrowed": {
            role
            for role in (
                "city",
                "county",
                "township",
                "cadre",
                "helper",
                "grid",
                "assessor",
                "tech",
                "sales",
                "gate",
            )
        },
    }


SAMPLES = {"job-detail": _job, "api:job": _job}
