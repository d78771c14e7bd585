"""The error workbook is written in one pass: its time grows with the rows, not their square."""

from __future__ import annotations

import time
from pathlib import Path

from openpyxl import load_workbook

from villageaid.registry import roster

HEADERS = ["户编号", "姓名", "证件号码"]


def bad_result(rows: int) -> roster.ParseResult:
    rejected = [
        roster.Rejection(n, "证件号码", "1", "证件号码应为18位", "id_format")
        for n in range(2, rows + 2)
    ]
    return roster.ParseResult(
        households=[],
        persons=[],
        rejected=rejected,
        headers=HEADERS,
        rejected_rows={n: ["H", "张三", "1"] for n in range(2, rows + 2)},
        sheet="Sheet",
        header_row=1,
    )


def test_ten_thousand_bad_rows_in_seconds(tmp_path: Path) -> None:
    start = time.perf_counter()
    target = roster.write_error_workbook(bad_result(10_000), tmp_path / "errors.xlsx")
    elapsed = time.perf_counter() - start
    assert elapsed < 8, f"{elapsed:.1f} s for 10,000 rows"  # quadratic: about 30 s
    sheet = load_workbook(target, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == 10_001
    assert rows[1][0] == 2 and rows[-1][0] == 10_001


def test_cells_at_fault_are_filled_red(tmp_path: Path) -> None:
    target = roster.write_error_workbook(bad_result(3), tmp_path / "errors.xlsx")
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet.cell(2, 4).fill.fgColor.rgb.endswith("FFC7CE")  # 证件号码 of the first row
    assert sheet.cell(2, 3).fill.fill_type is None  # 姓名 is not at fault
    assert sheet.cell(4, 4).fill.fgColor.rgb.endswith("FFC7CE")
