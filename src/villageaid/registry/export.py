"""XLSX export of households and members in the column layout villages re-key
into the national system; ID numbers masked unless the user may reveal them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from villageaid.core import audit
from villageaid.registry import labels
from villageaid.registry.models import Household
from villageaid.registry.roster import safe_cell

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


def households_xlsx(*, households: Iterable[Household], actor: Any, full_ids: bool) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("农户")
    sheet.append(HEADERS)
    count = 0
    for h in households:
        for p in h.members.all():
            sheet.append([safe_cell(v) for v in _row(h, p, full_ids)])
            count += 1
    audit.record(
        actor=actor,
        action="registry.export.xlsx",
        note=f"{count} 人 {'full' if full_ids else 'masked'}",
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(h: Household, p: Any, full_ids: bool) -> list[Any]:
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
        h.phone,
    ]
