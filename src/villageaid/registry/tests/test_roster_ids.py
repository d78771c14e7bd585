"""The roster's ID check is ``core.idnumber``'s: one verdict, no faster but laxer path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from villageaid.core import idnumber
from villageaid.registry.roster import parse_roster, validate_id
from villageaid.registry.tests.conftest import write_sheet

HEADERS = ["户编号", "姓名", "证件号码", "与户主关系", "健康状况", "劳动技能"]
HEADERS += ["是否参加城乡居民基本医疗保险", "户类型", "行政村代码"]


def id_born(day: dt.date, sequence: str = "001") -> str:
    first17 = f"370602{day:%Y%m%d}{sequence}"
    return first17 + idnumber.calc_check_digit(first17)


def test_an_id_born_tomorrow_is_refused() -> None:
    future = id_born(dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(idnumber.IdNumberError):
        idnumber.validate(future)
    with pytest.raises(idnumber.IdNumberError):
        validate_id(future)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"]
)
def test_the_roster_and_core_agree_on_valid_ids(value: str) -> None:
    assert validate_id(value) == idnumber.validate(value) == "11010519491231002X"


def test_a_roster_row_with_a_future_birth_date_is_rejected(tmp_path: Path) -> None:
    future = id_born(dt.date.today() + dt.timedelta(days=3), "013")
    row = ["H1", "张三", future, "户主", "健康", "普通劳动力", "是", "一般农户", "371003105201"]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", [HEADERS, row]))
    assert [(r.row, r.column) for r in result.rejected] == [(2, "证件号码")]
    assert "出生日期" in result.rejected[0].reason
    assert not result.persons
