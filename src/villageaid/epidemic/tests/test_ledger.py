"""Bulk entry from the paper ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.epidemic import ledger
from villageaid.epidemic.models import GateAlert, Passage

DAY = dt.date(2020, 2, 3)
PAGE = """07:30 村民 进 36.5
08:10 外来 进 36.8 张三 13800000000 绿码

09:00 车 外来 进 36.6 鲁K12345 已消毒
17:45 村民 出
18:20 外来 进 37.5 李四
"""


def test_parse_reads_every_kind_of_line() -> None:
    rows, errors = ledger.parse(PAGE, DAY)
    assert errors == []
    assert [r["party"] for r in rows] == [
        "villager",
        "outsider",
        "outsider",
        "villager",
        "outsider",
    ]
    assert rows[1]["name"] == "张三" and rows[1]["phone"] == "13800000000"
    assert rows[1]["health_code"] == "green"
    assert rows[2]["kind"] == "vehicle" and rows[2]["plate"] == "鲁K12345"
    assert rows[2]["vehicle_disinfected"] is True
    assert rows[3]["direction"] == "out" and "temperature" not in rows[3]
    assert rows[0]["at"].hour == 7 and rows[0]["at"].minute == 30


def test_unclear_lines_are_reported_by_number() -> None:
    rows, errors = ledger.parse("村民 36.5\n外来 进 36.5\n25:00 村民 进", DAY)
    assert len(rows) == 1
    assert errors[0].startswith("第 1 行") and errors[1].startswith("第 3 行")


@pytest.mark.django_db
def test_bulk_page_records_all_or_nothing(gate: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    bad = client.post(
        "/epidemic/passages/bulk/",
        {"checkpoint": gate.pk, "day": DAY.isoformat(), "lines": PAGE + "村民 36.5\n"},
    )
    assert "第 7 行" in bad.content.decode()
    assert not Passage.objects.exists()
    response = client.post(
        "/epidemic/passages/bulk/", {"checkpoint": gate.pk, "day": DAY.isoformat(), "lines": PAGE}
    )
    assert response.status_code == 302
    assert Passage.objects.filter(day=DAY).count() == 5
    assert Passage.objects.filter(decision="refused").count() == 1
    assert GateAlert.objects.filter(kind="fever").count() == 1
    listing = client.get(f"/epidemic/passages/?day={DAY}").content.decode()
    assert "鲁K12345" in listing and "张三" in listing
