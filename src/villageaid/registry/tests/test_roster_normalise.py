"""Harmless variants are normalised; headers are found; CSV encodings; interchange files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from villageaid.registry import labels, roster, synth
from villageaid.registry.roster import parse_roster

from .conftest import beima_only, write_sheet

HEAD_ID = synth.make_id("371081", dt.date(1990, 5, 6), 11)  # ends in a digit
X_ID = next(
    synth.make_id("371081", dt.date(1989, 3, 4), n)
    for n in range(1, 999, 2)
    if synth.make_id("371081", dt.date(1989, 3, 4), n).endswith("X")
)
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def one_person(tmp_path: Path, **cells: object) -> roster.ParseResult:
    values: dict[str, object] = {
        "户编号": "H1",
        "姓名": "甲",
        "证件号码": HEAD_ID,
        "与户主关系": "户主",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "户类型": "一般农户",
        "是否参加城乡居民基本医疗保险": "是",
        "行政村代码": synth.BEIMA_CODE,
    }
    values.update(cells)
    path = write_sheet(tmp_path / "one.xlsx", [list(values), list(values.values())])
    return parse_roster(path)


@pytest.mark.parametrize(
    "written",
    [
        "1990-05-06",
        "1990.05.06",
        "1990/5/6",
        "19900506",
        "1990年5月6日",
        dt.date(1990, 5, 6),
        dt.datetime(1990, 5, 6),
        (dt.date(1990, 5, 6) - dt.date(1899, 12, 30)).days,
        19900506,
        "１９９０.０５.０６",
        " 1990/05/06 ",
    ],
)
def test_dates(tmp_path: Path, written: object) -> None:
    result = one_person(tmp_path, 出生日期=written)
    assert result.ok, result.rejected
    assert result.persons[0]["birth_date"] == "1990-05-06"


@pytest.mark.parametrize(
    "written",
    [X_ID, X_ID.lower(), f"  {X_ID.lower()} ", X_ID.translate(FULL), f"{X_ID[:6]} {X_ID[6:]}"],
)
def test_id_variants(tmp_path: Path, written: str) -> None:
    result = one_person(tmp_path, 证件号码=written)
    assert result.ok, result.rejected
    assert result.persons[0]["id_number"] == X_ID
    assert result.persons[0]["sex"] == "1" and result.persons[0]["birth_date"] == "1989-03-04"


@pytest.mark.parametrize(
    ("column", "written", "field", "code"),
    [
        ("与户主关系", "本人", "relationship", "01"),
        ("性别", "男性", "sex", "1"),
        ("是否参加城乡居民基本医疗保险", "否", "medical_insurance", "0"),
        ("是否参加城乡居民基本医疗保险", True, "medical_insurance", "1"),
        ("劳动技能", "弱劳动力", "labour", "weak"),
        ("健康状况", " 长期慢性病 ", "health", "chronic"),
        ("户编号", " H1 ", "household_code", "H1"),
        ("姓名", "张\u3000三", "name", "张三"),
        ("姓名", " 买买提·艾力 ", "name", "买买提·艾力"),
        ("户编号", 1234.0, "household_code", "1234"),
    ],
)
def test_value_variants(
    tmp_path: Path, column: str, written: object, field: str, code: str
) -> None:
    result = one_person(tmp_path, **{column: written})
    assert result.ok, result.rejected
    record = result.persons[0] if field in roster.PERSON_COLUMNS else result.households[0]
    assert record[field] == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("13812345678", "13812345678"),
        (13812345678, "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("", ""),
    ],
)
def test_phone_variants(tmp_path: Path, written: object, code: str) -> None:
    result = one_person(tmp_path, 联系电话=written)
    assert result.ok, result.rejected
    assert result.households[0]["phone"] == code


@pytest.mark.parametrize(
    ("written", "code"),
    [("12345.6", "12345.60"), (12345.678, "12345.68"), ("1,234元", "1234.00"), (8000, "8000.00")],
)
def test_income_variants(tmp_path: Path, written: object, code: str) -> None:
    result = one_person(tmp_path, 家庭年纯收入=written)
    assert result.ok, result.rejected
    assert result.households[0]["net_income_12m"] == code


def test_risk_types_and_categories(tmp_path: Path) -> None:
    result = one_person(
        tmp_path,
        监测对象类别="边缘户",
        风险类型="因病致贫；因残、缺劳力,疫情影响",
        风险是否已消除="否",
    )
    assert result.ok, result.rejected
    household = result.households[0]
    assert household["monitoring_category"] == "marginal"
    assert household["monitoring_status"] == "monitored"
    assert household["risk_types"] == "illness;disability;labour_loss;epidemic"


def test_every_label_of_the_contract_is_known() -> None:
    tables = [
        (
            labels.RELATIONSHIP_FROM_LABEL,
            "户主 配偶 之子 儿子 之女 女儿 之儿媳 之女婿 之孙子 之孙女 之父 之母 "
            "之祖父 之祖母 之兄弟姐妹 其他",
        ),
        (labels.SEX_FROM_LABEL, "男 女"),
        (labels.HEALTH_FROM_LABEL, "健康 长期慢性病 患有大病 残疾"),
        (labels.LABOUR_FROM_LABEL, "技能劳动力 普通劳动力 弱劳动力或半劳动力 丧失劳动力 无劳动力"),
        (
            labels.SCHOOL_STAGE_FROM_LABEL,
            "学龄前儿童 学前教育 小学 七年级 八年级 九年级 初中 "
            "普通高中一年级 普通高中三年级 高中 中职一年级 高职高专二年级 未在校",
        ),
        (labels.YES_NO_FROM_LABEL, "是 否"),
        (labels.HOUSEHOLD_TYPE_FROM_LABEL, "脱贫户 一般农户 普通农户"),
        (labels.MONITORING_CATEGORY_FROM_LABEL, "脱贫不稳定户 边缘易致贫户 突发严重困难户"),
    ]
    for table, words in tables:
        for word in words.split():
            assert labels.lookup(table, word) is not None, word
    risks = (
        "因病 因残 因学 因灾 因意外事故 因产业项目失败 因务工就业不稳 缺劳动力 "
        "住房出现安全问题 饮水安全问题 疫情影响 其他"
    )
    codes, unknown = labels.risk_types_from_labels("、".join(risks.split()))
    assert unknown == [] and len(codes) == 12


def test_export_labels_read_back() -> None:
    for code in labels.RELATIONSHIP_LABELS:
        for sex in "12":
            assert (
                labels.lookup(labels.RELATIONSHIP_FROM_LABEL, labels.relationship_label(code, sex))
                == code
            )
    for table, back in (
        (labels.HEALTH_LABELS, labels.HEALTH_FROM_LABEL),
        (labels.LABOUR_LABELS, labels.LABOUR_FROM_LABEL),
        (labels.HOUSEHOLD_TYPE_LABELS, labels.HOUSEHOLD_TYPE_FROM_LABEL),
        (labels.PERSON_STATUS_LABELS, labels.PERSON_STATUS_FROM_LABEL),
    ):
        assert all(labels.lookup(back, label) == code for code, label in table.items())
    for code, label in labels.SCHOOL_STAGE_LABELS.items():
        assert not code or labels.lookup(labels.SCHOOL_STAGE_FROM_LABEL, label) == code
    for code in labels.RISK_TYPE_LABELS:
        assert labels.risk_types_from_labels(labels.risk_types_label(code)) == ([code], [])


def test_header_under_merged_title_and_aliases(tmp_path: Path) -> None:
    headers = [
        "序号",
        "户编号",
        "姓名",
        "身份证号码",
        "与户主的关系",
        "健康状况",
        "劳动能力",
        "*是否参加城乡居民基本医疗保险",
        "户类型",
        "致贫返贫风险",
        "家庭年纯收入（元）",
        "村代码",
    ]
    row = [
        1,
        "H1",
        "甲",
        HEAD_ID,
        "户主",
        "健康",
        "普通劳动力",
        "是",
        "一般农户",
        "",
        9000,
        synth.BEIMA_CODE,
    ]
    path = write_sheet(
        tmp_path / "t.xlsx", [["填报单位：北马村"], [], headers, row], merge_title="花名册"
    )
    result = parse_roster(path)
    assert result.ok, result.rejected
    assert result.header_row == 4
    assert result.persons[0]["id_number"] == HEAD_ID
    assert result.households[0]["net_income_12m"] == "9000.00"


def test_row_numbers_count_blank_and_footer_rows(tmp_path: Path) -> None:
    headers = [
        "户编号",
        "姓名",
        "证件号码",
        "与户主关系",
        "健康状况",
        "劳动技能",
        "是否参加城乡居民基本医疗保险",
        "户类型",
        "行政村代码",
    ]
    good = ["H1", "甲", HEAD_ID, "户主", "健康", "普通劳动力", "是", "一般农户", synth.BEIMA_CODE]
    bad = ["H2", "乙", "123", "户主", "健康", "普通劳动力", "是", "一般农户", synth.BEIMA_CODE]
    rows = [headers, good, [], headers, bad, ["填表人：韩某某"]]
    result = parse_roster(write_sheet(tmp_path / "t.xlsx", rows, merge_title="花名册"))
    assert [(r.row, r.column) for r in result.rejected] == [(6, "证件号码")]
    assert result.counts["rows"] == 2


def test_messy_roster_normalises_to_the_clean_records(
    tmp_path: Path, beima: synth.DemoVillage, beima_roster: Path
) -> None:
    messy = synth.write_roster_xlsx(
        tmp_path / "messy.xlsx", beima.households, beima.persons, messy=True, seed=3
    )
    clean_result = parse_roster(beima_roster, village_exists=beima_only)
    messy_result = parse_roster(messy, village_exists=beima_only)
    assert clean_result.ok and messy_result.ok, messy_result.rejected[:3]
    assert messy_result.persons == clean_result.persons == beima.persons
    assert messy_result.households == clean_result.households == beima.households


def test_progress_is_reported(beima_roster: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    parse_roster(beima_roster, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (1064, 1064)
    assert all(total == 1064 for _done, total in calls)


def _csv_text(tmp_path: Path, beima: synth.DemoVillage) -> str:
    rows = list(
        synth.roster_rows(
            beima.households[:20],
            [
                p
                for p in beima.persons
                if p["household_code"] in {h["household_code"] for h in beima.households[:20]}
            ],
        )
    )
    header = ",".join(synth._roster_header(n) for n in synth.ROSTER_COLUMNS)
    lines = [header] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "北马村花名册\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path: Path, beima: synth.DemoVillage, encoding: str) -> None:
    path = tmp_path / f"roster-{encoding}.csv"
    path.write_bytes(_csv_text(tmp_path, beima).encode(encoding))
    result = parse_roster(path, village_exists=beima_only)
    assert result.ok, result.rejected[:3]
    codes = [h["household_code"] for h in beima.households[:20]]
    assert [h["household_code"] for h in result.households] == codes
    assert result.persons == [p for p in beima.persons if p["household_code"] in codes]
    assert result.persons[0]["name"] == beima.persons[0]["name"]
    assert result.rejected == [] and result.header_row == 2


def test_csv_row_numbers_and_file_object(tmp_path: Path, beima: synth.DemoVillage) -> None:
    text = _csv_text(tmp_path, beima).replace(beima.persons[2]["id_number"], "1.10105E+17")
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode("gb18030"))
    with path.open("rb") as fh:
        result = parse_roster(fh)
    assert [(r.row, r.column, r.code) for r in result.rejected] == [(5, "证件号码", "lost_digits")]


def test_interchange_round_trip(tmp_path: Path, beima_roster: Path) -> None:
    result = parse_roster(beima_roster, village_exists=beima_only)
    roster.write_interchange(result.households, result.persons, tmp_path / "out")
    households, persons = roster.read_interchange(tmp_path / "out")
    assert households == result.households and persons == result.persons
    header = (tmp_path / "out" / "households.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(roster.HOUSEHOLD_COLUMNS)


def test_read_interchange_gb18030_and_missing_column(tmp_path: Path) -> None:
    (tmp_path / "households.csv").write_bytes(
        ",".join(roster.HOUSEHOLD_COLUMNS).encode("gb18030") + b"\n"
    )
    columns = [c for c in roster.PERSON_COLUMNS if c != "sex"]
    (tmp_path / "persons.csv").write_bytes((",".join(columns) + "\n").encode("gb18030"))
    with pytest.raises(roster.RosterError, match=r"persons\.csv 缺少列 sex"):
        roster.read_interchange(tmp_path)
