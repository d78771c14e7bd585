from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from villageaid.sales import services
from villageaid.sales.models import LedgerEntry, Order
from villageaid.sales.tests.factories import lot_in

pytestmark = pytest.mark.django_db

EXPORT = """订单号,下单时间,数量(斤),实付金额,状态
JD001,2020-04-12 09:30:00,2,196.00,已完成
JD002,2020-04-12 10:00:00,1,95.00,已完成
JD003,2020-04-12 11:00:00,3,294.00,已退款
"""


def test_platform_export_is_imported_once_and_reconciled(areas: Any, tmp_path: Path) -> None:
    lot = lot_in(areas["village"], jin=20)
    channel = services.channel_get("platform_jd")
    services.price_set(product=lot.product, channel=channel, price_per_jin=Decimal(98), actor=None)
    path = tmp_path / "jd.csv"
    path.write_text(EXPORT, encoding="gb18030")
    report = services.platform_import(lot=lot, channel=channel, path=path, actor=None)
    again = services.platform_import(lot=lot, channel=channel, path=path, actor=None)
    lot.refresh_from_db()
    assert (report["created"], report["refunded"]) == (3, 1)
    assert report["price_differences"] == [("JD002", "98.00", "95.00")]
    assert (again["created"], again["refunded"], again["unchanged"]) == (0, 0, 2)
    assert Order.objects.count() == 3
    assert lot.grams_available == (20 - 3) * 500
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 196 + 95


@pytest.mark.parametrize(
    "row",
    [
        "JD9,2020-04-12 09:30:00,1E+999999999,196.00,已完成",
        "JD9,2020-04-12 09:30:00,NaN,196.00,已完成",
        "JD9,2020-04-12 09:30:00,2,1E+999999999,已完成",
        "JD9,2020-04-12 09:30:00,2,1000000000000000,已完成",
        "JD9,9999-12-31 09:30:00,2,196.00,已完成",
    ],
)
def test_a_hostile_export_row_is_refused_by_number(row: str, areas: Any, tmp_path: Path) -> None:
    """Issue 18, finding 6: imports are bounded like forms and the API."""
    from villageaid.core.errors import ServiceError

    lot = lot_in(areas["village"], jin=20)
    path = tmp_path / "jd.csv"
    path.write_text(EXPORT.splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        services.platform_import(
            lot=lot, channel=services.channel_get("platform_jd"), path=path, actor=None
        )
    assert caught.value.code == "bad_row" and "第 2 行" in caught.value.message
    assert not Order.objects.exists()
