"""Order and refund exports from platform back offices (Meituan, JD, Douyin):
CSV (any encoding core.textfiles detects) or XLSX, headers in Chinese or English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from villageaid.core import bounds, units
from villageaid.core.errors import ServiceError
from villageaid.core.textfiles import read_csv_dicts

HEADERS = {
    "order_id": ("order_id", "订单号", "订单编号"),
    "time": ("time", "下单时间", "created_at"),
    "quantity_jin": ("quantity_jin", "数量(斤)", "数量（斤）", "重量(斤)"),
    "amount": ("amount", "实付金额", "金额"),
    "status": ("status", "状态", "订单状态"),
}
STATUS = {
    "paid": "paid",
    "已完成": "paid",
    "已支付": "paid",
    "refunded": "refunded",
    "已退款": "refunded",
}
TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class ExportRow:
    order_id: str
    time: dt.datetime
    grams: int
    amount: Decimal
    status: str  # "paid" or "refunded"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if path.suffix.lower() in {".xlsx", ".xls"}:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header = [str(cell).strip() for cell in sheet[0]]
        for values in sheet[1:]:
            yield {h: "" if v is None else str(v) for h, v in zip(header, values, strict=False)}
    else:
        yield from read_csv_dicts(path)


def _pick(row: dict[str, str], field: str) -> str:
    for name in HEADERS[field]:
        if name in row:
            return (row[name] or "").strip()
    raise ServiceError(f"导出文件缺少列：{HEADERS[field][1]}", code="missing_column")


def read_export(path: Path) -> list[ExportRow]:
    """The export's rows; a bad row raises with its row number."""
    rows = []
    for number, raw in enumerate(_rows(path), start=2):
        try:
            grams = bounds.GRAMS.check(
                units.grams_from_jin(bounds.JIN.check(_pick(raw, "quantity_jin")))
            )
            amount = Decimal(bounds.AMOUNT.check(_pick(raw, "amount"))).quantize(Decimal("0.01"))
            when = dt.datetime.fromisoformat(_pick(raw, "time"))
            when = when if when.tzinfo else when.replace(tzinfo=TZ)
            bounds.check_past_datetime(when)
        except (ArithmeticError, ValueError) as exc:  # decimal's errors are ArithmeticErrors
            raise ServiceError(f"第 {number} 行格式错误：{exc}", code="bad_row") from exc
        except ValidationError as exc:
            raise ServiceError(f"第 {number} 行：{exc.messages[0]}", code="bad_row") from exc
        status = STATUS.get(_pick(raw, "status"))
        if status is None:
            raise ServiceError(f"第 {number} 行的状态或数量无效", code="bad_row")
        rows.append(
            ExportRow(
                order_id=_pick(raw, "order_id"),
                time=when,
                grams=int(grams),
                amount=amount,
                status=status,
            )
        )
    return rows
