"""Writes of the policy app: a county or province adds a version (range and limits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.core import access, audit, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.policy import delegation
from villageaid.policy.models import IncomeRange, PolicyVersion
from villageaid.policy.resolved import CALENDAR, WORKING
from villageaid.policy.resolver import invalidate, policy_for_version, version_code_for

MODULE = roles.Module.SCREENING  # the county's right to set rule parameters (roles.ADMIN)
MAX_DAYS = 120


def _limits(days: int | None, kind: str, notice_min_days: int | None, source: str) -> dict:
    if kind not in (CALENDAR, WORKING):
        raise ServiceError(_("时限类型须为自然日或工作日"), code="bad_day_kind")
    for value in (days, notice_min_days):
        if value is not None and not 1 <= value <= MAX_DAYS:
            raise ServiceError(_("天数须在1到120之间"), code="bad_days")
    if days is not None and notice_min_days is not None and notice_min_days > days:
        raise ServiceError(_("公示天数不能超过办结时限"), code="notice_over_limit")
    procedure: dict[str, Any] = {}
    if days is not None:
        procedure["identification_limit"] = {
            "days": days,
            "kind": kind,
            "src": source,
            "confirmed": True,
        }
    if notice_min_days is not None:
        procedure["notice_min_days"] = {"value": notice_min_days, "src": source, "confirmed": True}
    return {"procedure": procedure} if procedure else {}


def check_delegated(base_code: str, data: dict[str, Any], *, sets_range: bool) -> None:
    """Refuse a county version's keys that the version it overlays does not delegate
    (R-POL-1); the message names the first such key and the rule."""
    refused = delegation.refused_keys(
        data, allowed=policy_for_version(base_code).delegates_to_county, sets_range=sets_range
    )
    if refused:
        raise ServiceError(delegation.refusal(refused[0], base_code), code="not_delegated")


def policy_version_add(
    *,
    actor: Any,
    area: Area,
    code: str,
    name: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    year: int | None,
    line: Decimal | None,
    source: str,
    identification_days: int | None = None,
    day_kind: str = CALENDAR,
    notice_min_days: int | None = None,
) -> PolicyVersion:
    """A version for ``area`` (a province or county the actor administers) over the version
    in force there on ``effective_from``; the next decision in its period uses it."""
    if not access.can(actor, MODULE, roles.ADMIN, area):
        raise ServiceError(_("不能为该区域设定政策版本"), code="not_your_area")
    if area.level not in ("province", "county"):
        raise ServiceError(_("政策版本只能按省或县设定"), code="bad_level")
    if effective_to is not None and effective_to < effective_from:
        raise ServiceError(_("失效日期早于生效日期"), code="bad_period")
    if (year is None) != (line is None):
        raise ServiceError(_("收入年度和监测范围上限须同时填写"), code="bad_range")
    if (year is not None and line is not None) and (
        not 2000 <= year <= 2100 or not Decimal(1) <= line <= Decimal(1_000_000)
    ):
        raise ServiceError(_("年度或监测范围超出合理区间"), code="bad_range")
    if not source.strip():
        raise ServiceError(_("请写明依据（文件名称、文号或网址）"), code="source_required")
    if PolicyVersion.objects.filter(code=code).exists():
        raise ServiceError(_("版本编号已存在"), code="code_exists")
    base = PolicyVersion.objects.get(code=version_code_for(area, effective_from))
    data = _limits(identification_days, day_kind, notice_min_days, source.strip()[:300])
    if not data and year is None:
        raise ServiceError(_("请至少设定一项（监测范围或时限）"), code="nothing_set")
    if delegation.is_county(area.code):
        check_delegated(base.code, data, sets_range=year is not None)
    with transaction.atomic():
        row = PolicyVersion.objects.create(
            code=code,
            name=name,
            area_code=area.code,
            base=base,
            effective_from=effective_from,
            effective_to=effective_to,
            data=data,
            note=source.strip()[:255],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if year is not None and line is not None:
            IncomeRange.objects.create(
                version=row, year=year, line=line, confirmed=True, source=source.strip()[:500]
            )
        audit.record(
            actor=actor,
            action="policy.version.add",
            obj=row,
            area=area,
            after={"base": base.code, "year": year, "line": str(line) if line else None, **data},
            note=code,
        )
        transaction.on_commit(invalidate)
    invalidate()
    return row
