"""XLSX export of households and members in the column layout villages re-key
into the national system; ID numbers and phone numbers masked unless the user may reveal
them (the registry's ``reveal`` action, the same decision as for a full ID)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from villageaid.core import access, audit, roles
from villageaid.core.sheets import safe_cell
from villageaid.registry import labels
from villageaid.registry.models import Household

HEADERS = [
    "户编号",
    "行政村代码",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "出生日期",
    "健康状况",
    "劳动技能",
    "在校生状况",
    "是否参加城乡居民基本医疗保险",
    "人员状态",
    "户类型",
    "监测对象类别",
    "风险类型",
    "家庭年纯收入",
    "联系电话",
]


def mask_phone(phone: str) -> str:
    """``138****5678``: the first three and last four digits shown."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def may_reveal(actor: Any) -> bool:
    """Whether ``actor``'s role may see full personal data in the registry (the rows exported
    are already scoped to their area)."""
    return access.allowed(actor, roles.Module.REGISTRY, roles.REVEAL)


def households_xlsx(*, households: Iterable[Household], actor: Any, full_ids: bool) -> bytes:
    """``full_ids`` (asked for, and allowed) shows full ID numbers; phones are full for every
    role that may reveal, masked for the others."""
    phones = may_reveal(actor)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("农户")
    sheet.append(HEADERS)
    count = 0
    for h in households:
        for p in h.members.all():
            sheet.append([safe_cell(v) for v in _row(h, p, full_ids, phones)])
            count += 1
    audit.record(
        actor=actor,
        action="registry.export.xlsx",
        note=f"{count} 人 {'full' if full_ids else 'masked'}，电话{'完整' if phones else '脱敏'}",
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(h: Household, p: Any, full_ids: bool, phones: bool) -> list[Any]:
    return [
        h.code,
        h.village_id,
        p.name,
        p.id_number if full_ids else p.id_masked,
        labels.relationship_label(p.relationship, p.sex),
        labels.SEX_LABELS.get(p.sex, ""),
        p.birth_date.isoformat(),
        labels.HEALTH_LABELS.get(p.health, ""),
        labels.LABOUR_LABELS.get(p.labour, ""),
        labels.SCHOOL_STAGE_LABELS.get(p.school_stage, ""),
        "是" if p.medical_insurance else "否",
        labels.PERSON_STATUS_LABELS.get(p.status, ""),
        labels.HOUSEHOLD_TYPE_LABELS.get(h.household_type, ""),
        labels.MONITORING_CATEGORY_LABELS.get(h.monitoring_category, ""),
        h.risk_types_display,
        f"{h.net_income_12m:.2f}",
        h.phone if phones else mask_phone(h.phone),
    ]
