"""The 832-style purchase statistics of staff and budget-unit purchases (消费帮扶采购统计):
one row per order (buyer unit, product, weight, amount, date, order number) and a
per-unit summary, as CSV or XLSX. Text a spreadsheet would read as a formula is
neutralised with a leading ``'``, as the registry export does."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from villageaid.core import audit
from villageaid.core.sheets import safe_cell
from villageaid.sales.channels import CHANNELS, BuyerType
from villageaid.sales.models import Order, jin

PURCHASE_BUYER_TYPES = (BuyerType.BUDGET_UNIT, BuyerType.STAFF)
BUYER_TYPE_LABELS = {
    BuyerType.BUDGET_UNIT: "预算单位采购",
    BuyerType.STAFF: "干部职工消费帮扶",
}
HEADERS = [
    "序号",
    "订单编号",
    "下单日期",
    "采购单位",
    "采购类型",
    "商品名称",
    "等级",
    "数量（斤）",
    "单价（元/斤）",
    "金额（元）",
    "付款日期",
    "支付方式",
    "支付流水号",
    "供货单位",
    "批次号",
]
SUMMARY_HEADERS = ["采购单位", "采购类型", "订单数", "数量（斤）", "金额（元）"]
NO_UNIT = "（未登记单位）"


def purchases(
    orders: QuerySet[Order], start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Order]:
    """Sold (paid or delivered) staff and budget-unit orders of ``orders`` (already scoped
    by the caller), ordered on date, between ``start`` and ``end`` inclusive."""
    rows = orders.filter(
        buyer_type__in=PURCHASE_BUYER_TYPES,
        status__in=[Order.Status.PAID, Order.Status.DELIVERED],
    )
    if start is not None:
        rows = rows.filter(created_at__gte=_midnight(start))
    if end is not None:
        rows = rows.filter(created_at__lt=_midnight(end + dt.timedelta(days=1)))
    return rows.select_related("customer", "lot__product", "lot__village").order_by(
        "created_at", "pk"
    )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def order_number(order: Order) -> str:
    return f"VA{timezone.localtime(order.created_at):%Y%m%d}{order.pk:06d}"


def _unit(order: Order) -> str:
    return order.customer.name if order.customer else NO_UNIT


def _row(n: int, order: Order) -> list[Any]:
    paid = timezone.localtime(order.paid_at).date().isoformat() if order.paid_at else ""
    channel = CHANNELS.get(str(order.channel_id))
    method = order.payment_method or ""
    return [
        n,
        order_number(order),
        timezone.localtime(order.created_at).date().isoformat(),
        _unit(order),
        BUYER_TYPE_LABELS.get(order.buyer_type, channel.name if channel else ""),
        order.lot.product.name,
        order.lot.get_grade_display(),
        jin(order.grams),
        order.price_per_jin,
        order.amount,
        paid,
        method,
        order.payment_reference,
        order.lot.village.name,
        order.lot.code,
    ]


def purchase_rows(orders: Iterable[Order]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The detail rows with a closing total, and the per-unit summary rows."""
    rows: list[list[Any]] = []
    units: dict[tuple[str, str], list[Any]] = {}
    grams, amount = 0, Decimal(0)
    for n, order in enumerate(orders, start=1):
        row = _row(n, order)
        rows.append(row)
        grams += order.grams
        amount += order.amount
        unit = units.setdefault((row[3], row[4]), [row[3], row[4], 0, 0, Decimal(0)])
        unit[2] += 1
        unit[3] += order.grams
        unit[4] += order.amount
    total = ["合计", "", "", "", "", "", "", jin(grams), "", amount, "", "", "", "", ""]
    summary = [[u[0], u[1], u[2], jin(u[3]), u[4]] for u in units.values()]
    summary.sort(key=lambda u: (-u[4], u[0]))
    return [*rows, total] if rows else [], summary


def purchases_csv(*, orders: Iterable[Order], actor: Any) -> bytes:
    rows, _ = purchase_rows(orders)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([safe_cell(str(v)) for v in row])
    audit.record(actor=actor, action="sales.export.purchases", note=f"csv {max(len(rows) - 1, 0)}")
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read it as UTF-8


def purchases_xlsx(*, orders: Iterable[Order], actor: Any) -> bytes:
    rows, summary = purchase_rows(orders)
    book = Workbook(write_only=True)
    detail = book.create_sheet("采购明细")
    detail.append(HEADERS)
    for row in rows:
        detail.append([safe_cell(v) for v in row])
    units = book.create_sheet("按采购单位汇总")
    units.append(SUMMARY_HEADERS)
    for row in summary:
        units.append([safe_cell(v) for v in row])
    audit.record(actor=actor, action="sales.export.purchases", note=f"xlsx {max(len(rows) - 1, 0)}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
