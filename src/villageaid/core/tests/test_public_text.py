"""The personal-data filter every public text passes (R-PUB-1, issue 18 finding 15): ID
numbers, mobile and landline numbers, bank card numbers, house-number addresses and health
status words never reach a public notice."""

from __future__ import annotations

import pytest

from villageaid.core.pii import public_text

LEAKS = [
    ("户主 11010519491231002X 第三组", "11010519491231002X"),
    ("身份证110105491231002", "110105491231002"),
    ("第三组 13912345678", "13912345678"),
    ("联系 139 1234 5678", "139 1234 5678"),
    ("电话0631-8123456", "0631-8123456"),
    ("卡号6222 0212 3456 7890 128", "6222 0212 3456 7890 128"),
    ("卡号6228480402564890018", "6228480402564890018"),
    ("住宋村镇北马村前街12号", "12号"),
    ("幸福小区3栋2单元402室", "402室"),
    ("户主患有大病", "患有大病"),
    ("长期慢性病", "长期慢性病"),
]


@pytest.mark.parametrize(("text", "leak"), LEAKS)
def test_the_filter_removes_each_kind_of_personal_data(text: str, leak: str) -> None:
    shown = public_text(text)
    assert leak not in shown
    assert "＊" in shown


@pytest.mark.parametrize("text", ["王建国", "第三组", "脱贫不稳定户", "因病；因残", "2020年", ""])
def test_ordinary_notice_words_pass_unchanged(text: str) -> None:
    assert public_text(text) == text
