"""Loading the administrative area tree."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from villageaid.core import audit
from villageaid.core.models import LEVEL_ORDER, Area
from villageaid.core.textfiles import open_text

REQUIRED = ("code", "name", "level", "parent_code")


class AreaImportError(ValueError):
    pass


@dataclass
class AreaImportSummary:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0


def _rows(path: Path) -> list[dict[str, str]]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise AreaImportError(f"{path.name}: 缺少列 {', '.join(missing)}")
        return [{k: (row.get(k) or "").strip() for k in REQUIRED} for row in reader]


def _check(row: dict[str, str], line: int) -> None:
    size = 15 if row["level"] == "grid" else 12
    if not (row["code"].isdigit() and len(row["code"]) == size):
        raise AreaImportError(f"第{line}行: 区划代码应为{size}位数字: {row['code']!r}")
    if row["level"] not in LEVEL_ORDER:
        raise AreaImportError(
            f"第{line}行: 未知级别 {row['level']!r}（应为 {', '.join(LEVEL_ORDER)}）"
        )
    if not row["name"]:
        raise AreaImportError(f"第{line}行: 名称为空")


def areas_import(*, path: Path, actor: Any = None) -> AreaImportSummary:
    """Create or rename areas from ``code,name,level,parent_code``; atomic."""
    rows = _rows(path)
    for line, row in enumerate(rows, start=2):
        _check(row, line)
    # Parents before children: sort by level, then code.
    rows.sort(key=lambda r: (LEVEL_ORDER.index(r["level"]), r["code"]))
    summary = AreaImportSummary()
    with transaction.atomic():
        known = {a.code: a for a in Area.objects.all()}
        for row in rows:
            _upsert(row, known, summary)
        audit.record(actor=actor, action="areas.import", note=f"{path.name}: {summary}")
    return summary


def _upsert(row: dict[str, str], known: dict[str, Area], summary: AreaImportSummary) -> None:
    parent = known.get(row["parent_code"]) if row["parent_code"] else None
    if row["parent_code"] and parent is None:
        raise AreaImportError(f"{row['code']}: 上级区划 {row['parent_code']} 不存在")
    if parent is not None and LEVEL_ORDER.index(parent.level) >= LEVEL_ORDER.index(row["level"]):
        raise AreaImportError(f"{row['code']}: 级别 {row['level']} 不能在 {parent.level} 之下")
    existing = known.get(row["code"])
    if existing is None:
        known[row["code"]] = area_create(
            code=row["code"], name=row["name"], level=row["level"], parent=parent
        )
        summary.created += 1
    elif existing.name != row["name"]:
        existing.name = row["name"]
        existing.save(update_fields=["name"])
        summary.renamed += 1
    else:
        summary.unchanged += 1


def area_create(*, code: str, name: str, level: str, parent: Area | None) -> Area:
    path = (parent.path if parent else "/") + code + "/"
    province = path.strip("/").split("/")[0]
    return Area.objects.create(
        code=code, name=name, level=level, parent=parent, path=path, province_code=province
    )
