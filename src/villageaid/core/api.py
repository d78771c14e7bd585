from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from villageaid.core import access
from villageaid.core.models import Area, JobProgress
from villageaid.core.paging import ApiPagination

router = Router(tags=["core"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


class MeOut(Schema):
    username: str
    role: str
    areas: list[AreaOut]


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int | None
    percent: int
    message: str
    result: Any = None


@router.get("/me", response=MeOut)
@access.login_only
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {"username": user.username, "role": user.role, "areas": list(user.areas.all())}


@router.get("/areas", response=list[AreaOut])
@paginate(ApiPagination, page_size=100)
@access.login_only
def areas(request: HttpRequest) -> Any:
    return access.visible_areas(request.user)


@router.get("/jobs/{job_id}", response=JobOut)
@access.login_only
def job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return get_object_or_404(jobs_visible(request.user), pk=job_id).as_dict()


def jobs_visible(user: Any) -> Any:
    if user.is_superuser:
        return JobProgress.objects.all()
    return JobProgress.objects.filter(owner=user)


__all__ = ["Area", "router"]
