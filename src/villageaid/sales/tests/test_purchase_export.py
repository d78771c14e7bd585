"""The 832-style purchase statistics export (staff and budget-unit purchases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from villageaid.conftest import client_for
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.sales import exports, services
from villageaid.sales.models import Order
from villageaid.sales.tests.factories import lot_in

pytestmark = pytest.mark.django_db
APRIL_10 = timezone.make_aware(dt.datetime(2020, 4, 10, 12, 0))


def _sell(lot: Any, key: str, channel: str, jin: int, customer: Any = None, **kw: Any) -> Order:
    order = services.order_place(
        lot=lot,
        channel=channel,
        grams=jin * 500,
        customer=customer,
        idempotency_key=key,
        actor=None,
        at=kw.get("at", APRIL_10),
    )
    return services.order_pay(
        order=order, method="transfer", reference=f"R-{key}", actor=None, at=kw.get("at", APRIL_10)
    )


def _purchases(areas: Any) -> dict[str, Any]:
    village = areas["village"]
    lot = lot_in(village, jin=100, code="BM-A")
    bureau = services.customer_create(
        village=village, actor=None, name='=HYPERLINK("http://x")局', buyer_type="budget_unit"
    )
    staff = services.customer_create(
        village=village, actor=None, name="威海市农业农村局", buyer_type="staff"
    )
    services.price_set(
        product=lot.product,
        channel=services.channel_get("staff"),
        price_per_jin=Decimal("87.50"),
        actor=None,
    )
    _sell(lot, "b1", "budget_unit", 20, bureau)
    _sell(lot, "s1", "staff", 5, staff)
    _sell(lot, "s2", "staff", 5, staff)
    _sell(lot, "walk", "walk_in", 3)  # not a unit purchase
    refunded = _sell(lot, "s3", "staff", 5, staff)
    services.order_refund(order=refunded, actor=None)  # refunded: not counted
    _sell(lot, "late", "staff", 1, staff, at=APRIL_10 + dt.timedelta(days=5))
    other = lot_in(areas["neighbour"], jin=10, code="NM-A")
    _sell(other, "n1", "staff", 2)  # another village
    return {"bureau": bureau, "staff": staff}


def test_rows_are_units_purchases_with_a_total_and_a_summary(areas: Any) -> None:
    _purchases(areas)
    scoped = Order.objects.filter(area_path__startswith=areas["village"].path)
    orders = exports.purchases(scoped, dt.date(2020, 4, 10), dt.date(2020, 4, 10))
    rows, summary = exports.purchase_rows(orders)
    assert [r[3] for r in rows[:-1]] == ['=HYPERLINK("http://x")局'] + ["威海市农业农村局"] * 2
    assert rows[0][4] == "预算单位采购" and rows[1][4] == "干部职工消费帮扶"
    assert rows[1][7:10] == [Decimal("5.00"), Decimal("87.50"), Decimal("437.50")]
    assert rows[0][1].startswith("VA20200410")
    assert rows[-1][0] == "合计" and rows[-1][7] == Decimal("30.00")
    assert rows[-1][9] == Decimal("1800.00") + Decimal("875.00")
    assert summary == [
        ['=HYPERLINK("http://x")局', "预算单位采购", 1, Decimal("20.00"), Decimal("1800.00")],
        ["威海市农业农村局", "干部职工消费帮扶", 2, Decimal("10.00"), Decimal("875.00")],
    ]


def test_xlsx_and_csv_neutralise_formulas(areas: Any) -> None:
    _purchases(areas)
    orders = exports.purchases(Order.objects.all(), dt.date(2020, 4, 10), dt.date(2020, 4, 10))
    book = load_workbook(io.BytesIO(exports.purchases_xlsx(orders=orders, actor=None)))
    detail = list(book["采购明细"].iter_rows(values_only=True))
    assert detail[0] == tuple(exports.HEADERS)
    assert detail[1][3] == '\'=HYPERLINK("http://x")局'
    units = list(book["按采购单位汇总"].iter_rows(values_only=True))
    assert units[1][0].startswith("'=")
    text = exports.purchases_csv(orders=orders, actor=None).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == exports.HEADERS
    assert parsed[1][3].startswith("'=") and parsed[-1][0] == "合计"
    assert len(parsed) == 1 + 4 + 1  # header, bureau, two staff, the neighbour's staff, total
    assert AuditEvent.objects.filter(action="sales.export.purchases").count() == 2


def test_page_export_is_scoped_and_needs_the_export_right(areas: Any, make_user: Any) -> None:
    _purchases(areas)
    clerk = client_for(make_user(Role.SALES, "village"))
    response = clerk.get("/sales/purchases/export.csv?start=2020-04-01&end=2020-04-30")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    assert "威海市农业农村局" in text and "NM-A" not in text  # not the neighbour's lot
    assert text.count("干部职工消费帮扶") == 3  # s1, s2 and the late one; not the refund
    neighbour = client_for(make_user(Role.SALES, "neighbour", username="sales-next"))
    book = load_workbook(io.BytesIO(neighbour.get("/sales/purchases/export.xlsx").content))
    lots = [row[14] for row in book["采购明细"].iter_rows(min_row=2, values_only=True)]
    assert lots == ["NM-A", None]  # its own order and the total (an empty cell)
    assert b"/sales/purchases/export.xlsx" in clerk.get("/sales/ledger/").content
    cadre = client_for(make_user(Role.CADRE, "village"))  # may read sales, not export
    assert cadre.get("/sales/purchases/export.csv").status_code == 403
    assert b"/sales/purchases/export.xlsx" not in cadre.get("/sales/ledger/").content


def test_command_writes_by_suffix(areas: Any, tmp_path: Path) -> None:
    _purchases(areas)
    out = tmp_path / "p.xlsx"
    call_command("sales_purchase_export", str(out), "--area", areas["township"].code)
    rows = list(load_workbook(out)["采购明细"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5 + 1  # both villages' unit purchases, and the total
