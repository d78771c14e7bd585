"""Every rejection of INTERFACES 2.2, reported with the sheet row and the column header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from villageaid.registry import roster, synth
from villageaid.registry.roster import RosterError, parse_roster

from .conftest import beima_only, write_sheet

HEADERS = [
    "户编号",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "出生日期",
    "健康状况",
    "劳动技能",
    "是否参加城乡居民基本医疗保险",
    "户类型",
    "联系电话",
    "行政村代码",
]
HEAD_ID = synth.make_id("371081", dt.date(1990, 5, 6), 11)
WIFE_ID = synth.make_id("371081", dt.date(1991, 2, 3), 22)


def person(
    code: str, name: str, id_number: object, relationship: str = "户主", **kw: object
) -> list[object]:
    values = {
        "sex": "男",
        "birth": "",
        "health": "健康",
        "labour": "普通劳动力",
        "insured": "是",
        "kind": "一般农户",
        "phone": "13812345678",
        "village": synth.BEIMA_CODE,
        **kw,
    }
    return [
        code,
        name,
        id_number,
        relationship,
        values["sex"],
        values["birth"],
        values["health"],
        values["labour"],
        values["insured"],
        values["kind"],
        values["phone"],
        values["village"],
    ]


@pytest.fixture(scope="module")
def bad(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[roster.ParseResult, list[tuple[int, str, str]], Path]:
    path = tmp_path_factory.mktemp("bad") / "bad.xlsx"
    expected = synth.write_bad_roster_xlsx(path)
    return parse_roster(path, village_exists=beima_only), expected, path


def test_every_rejection_kind_is_named_with_row_and_column(bad) -> None:
    result, expected, _path = bad
    got = sorted((r.row, r.column, r.code) for r in result.rejected)
    assert got == expected
    kinds = {code for _row, _column, code in expected}
    assert kinds >= {
        "checksum",
        "lost_digits",
        "birth_date_mismatch",
        "sex_mismatch",
        "duplicate_id",
        "unknown_label",
        "household_head",
        "phone",
        "unknown_village",
    }


def test_rejected_households_are_held_back_and_the_good_ones_kept(bad) -> None:
    result, _expected, _path = bad
    assert not result.ok
    assert all(not p["household_code"].startswith("BAD") for p in result.persons)
    assert len(result.persons) == 12  # the generated households above the bad rows
    assert result.counts["rejected_rows"] == 13


def test_reasons_are_chinese_and_name_the_problem(bad) -> None:
    result, _expected, _path = bad
    reasons = {r.code: r.reason for r in result.rejected}
    assert reasons["checksum"] == "证件号码校验位错误"
    assert "丢失了位数" in reasons["lost_digits"]
    assert "与第5行重复" in reasons["duplicate_id"]
    assert "1954-03-03" in reasons["birth_date_mismatch"]
    assert "还行" in reasons["unknown_label"]
    assert "户主" in reasons["household_head"]


def test_error_workbook_has_original_values_and_reasons(bad, tmp_path: Path) -> None:
    result, expected, _path = bad
    target = roster.write_error_workbook(result, tmp_path / "errors.xlsx")
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "原表行号" and header[-1] == "错误原因" and "证件号码" in header
    by_row = {r[0]: r for r in rows[1:]}
    assert sorted(by_row) == sorted({row for row, _c, _k in expected})
    id_col = header.index("证件号码")
    assert by_row[17][id_col] == pytest.approx(1.10105e17)  # the number as the user typed it
    assert by_row[18][id_col] == "1.10105E+17"
    assert "校验位" in by_row[16][-1]
    assert by_row[26][header.index("与户主关系")] == "配偶"  # rows rejected at the end keep values


def test_error_workbook_neutralises_formulas(tmp_path: Path) -> None:
    rows = [HEADERS, person("H1", "@SUM(1+1)", "-1+cmd|' /C calc'!A0")]
    result = parse_roster(write_sheet(tmp_path / "f.xlsx", rows))
    target = roster.write_error_workbook(result, tmp_path / "errors.xlsx")
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet.cell(2, 2 + HEADERS.index("姓名")).value == "'@SUM(1+1)"
    assert sheet.cell(2, 2 + HEADERS.index("证件号码")).value == "'-1+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("张三", "张三"),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell(value: object, safe: object) -> None:
    assert roster.safe_cell(value) == safe


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (110105194912310000, "lost_digits"),
        (1.10105e17, "lost_digits"),
        ("1.10105E+17", "lost_digits"),
        ("11010519491231002", "id_format"),
        ("11010519491231002Y", "checksum"),
        ("110105194912310021", "checksum"),
    ],
)
def test_bad_ids(tmp_path: Path, value: object, code: str) -> None:
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", [HEADERS, person("H1", "甲", value)]))
    assert [(r.row, r.column, r.code) for r in result.rejected] == [(2, "证件号码", code)]


def test_duplicate_in_the_same_household(tmp_path: Path) -> None:
    rows = [HEADERS, person("H1", "甲", HEAD_ID), person("H1", "乙", HEAD_ID, "之子")]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert [(r.row, r.code) for r in result.rejected] == [(3, "duplicate_id")]
    assert result.persons == [] and result.households == []


def test_phone_must_be_eleven_digits(tmp_path: Path) -> None:
    rows = [HEADERS, person("H1", "甲", HEAD_ID, phone="1381234567")]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert [(r.row, r.column, r.code) for r in result.rejected] == [(2, "联系电话", "phone")]


def test_village_from_argument_and_unknown_village(tmp_path: Path) -> None:
    headers = HEADERS[:-1]
    rows = [headers, person("H1", "甲", HEAD_ID)[:-1]]
    path = write_sheet(tmp_path / "r.xlsx", rows)
    ok = parse_roster(path, village_code=synth.BEIMA_CODE, village_exists=beima_only)
    assert ok.ok and ok.households[0]["village_code"] == synth.BEIMA_CODE
    unknown = parse_roster(path, village_code="371003105299", village_exists=beima_only)
    assert [(r.row, r.column, r.code) for r in unknown.rejected] == [
        (2, "行政村代码", "unknown_village")
    ]
    with pytest.raises(RosterError, match="行政村代码"):
        parse_roster(path)


def test_village_column_contradicting_argument(tmp_path: Path) -> None:
    rows = [HEADERS, person("H1", "甲", HEAD_ID, village="371003105202")]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows), village_code=synth.BEIMA_CODE)
    assert [r.code for r in result.rejected] == ["village_mismatch"]


def test_household_values_that_disagree(tmp_path: Path) -> None:
    rows = [
        HEADERS,
        person("H1", "甲", HEAD_ID),
        person("H1", "乙", WIFE_ID, "配偶", sex="女", kind="脱贫户"),
    ]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert [(r.row, r.column, r.code) for r in result.rejected] == [(3, "户类型", "conflict")]


def test_category_must_fit_household_type(tmp_path: Path) -> None:
    headers = [*HEADERS, "监测对象类别", "风险类型"]
    rows = [headers, [*person("H1", "甲", HEAD_ID), "脱贫不稳定户", "因病"]]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert [(r.row, r.column, r.code) for r in result.rejected] == [
        (2, "监测对象类别", "category_mismatch")
    ]


def test_unknown_risk_type_label(tmp_path: Path) -> None:
    headers = [*HEADERS, "风险类型"]
    rows = [headers, [*person("H1", "甲", HEAD_ID), "因病、因懒"]]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert [(r.column, r.code) for r in result.rejected] == [("风险类型", "unknown_label")]
    assert "因懒" in result.rejected[0].reason


def test_required_values_and_dates(tmp_path: Path) -> None:
    rows = [HEADERS, person("H1", "", HEAD_ID, birth="1990年13月1日", health="")]
    result = parse_roster(write_sheet(tmp_path / "r.xlsx", rows))
    assert sorted((r.column, r.code) for r in result.rejected) == [
        ("健康状况", "required"),
        ("出生日期", "date_format"),
        ("姓名", "required"),
    ]


def test_missing_required_header(tmp_path: Path) -> None:
    rows = [[h for h in HEADERS if h != "与户主关系"], ["H1", "甲", HEAD_ID]]
    with pytest.raises(RosterError, match="缺少必需的列：与户主关系"):
        parse_roster(write_sheet(tmp_path / "r.xlsx", rows))


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_sheet(path, [[]])
    with pytest.raises(RosterError, match="空"):
        parse_roster(path)


def test_no_header_row(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="找不到表头"):
        parse_roster(write_sheet(tmp_path / "r.xlsx", [["a", "b"], [1, 2]]))


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 this is not a zip"])
def test_unreadable_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(RosterError):
        parse_roster(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="无法打开"):
        parse_roster(tmp_path / "nope.xlsx")
