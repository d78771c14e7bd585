"""Parse the gate's paper ledger, one passage per line, e.g.::

    07:30 村民 进 36.5
    08:10 外来 进 36.8 张三 13800000000 绿码
    09:00 车 外来 进 36.6 鲁K12345 已消毒
    17:45 村民 出

Tokens may come in any order; unknown words are taken as an outsider's name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
TEMPERATURE = re.compile(r"^\d{2}(\.\d)?$")
PHONE = re.compile(r"^1\d{10}$")
PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
WORDS = {
    "村民": ("party", "villager"),
    "本村": ("party", "villager"),
    "外来": ("party", "outsider"),
    "进": ("direction", "in"),
    "入": ("direction", "in"),
    "出": ("direction", "out"),
    "车": ("kind", "vehicle"),
    "车辆": ("kind", "vehicle"),
    "已消毒": ("vehicle_disinfected", True),
    "绿码": ("health_code", "green"),
    "黄码": ("health_code", "yellow"),
    "红码": ("health_code", "red"),
}


def parse_line(line: str, day: dt.date) -> dict[str, Any]:
    """One ledger line as keyword arguments of ``passage_record``; ValueError if unclear."""
    row: dict[str, Any] = {}
    names: list[str] = []
    for token in line.split():
        upper = token.upper()
        if token in WORDS:
            key, value = WORDS[token]
            row[key] = value
        elif match := TIME.match(token):
            hour, minute = int(match[1]), int(match[2])
            if hour > 23 or minute > 59:
                raise ValueError(f"时间不对: {token}")
            row["at"] = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        elif TEMPERATURE.match(token):
            row["temperature"] = token
        elif PHONE.match(token):
            row["phone"] = token
        elif PLATE.match(upper):
            row["plate"], row["kind"] = upper, "vehicle"
        else:
            names.append(token)
    if "party" not in row:
        raise ValueError("缺少“村民”或“外来”")
    if "direction" not in row:
        raise ValueError("缺少“进”或“出”")
    if names:
        row["name"] = "".join(names)
    row.setdefault("at", timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0))))
    return row


def parse(text: str, day: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    """All lines of a ledger page: the rows, and an error per unclear line."""
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(parse_line(line, day))
        except ValueError as exc:
            errors.append(f"第 {number} 行: {exc}")
    return rows, errors
