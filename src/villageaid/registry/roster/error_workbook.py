"""The error workbook: the rejected rows with their reasons, for the uploader to fix and import
again. Written in one pass (``core.sheets.write_xlsx``): 100,000 bad rows take seconds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from villageaid.core.sheets import write_xlsx
from villageaid.registry.roster.model import ParseResult, Rejection


def write_error_workbook(result: ParseResult, path: str | Path) -> Path:
    """An XLSX of the rejected rows: their row number, original values, the columns at fault and
    the reasons. Cells at fault are filled red. The header row is the roster's, so the sheet can
    be corrected and imported again."""
    return write_xlsx(
        path,
        title="错误行",
        header=["原表行号", *result.headers, "错误列", "错误原因"],
        rows=_rows(result),
    )


def _rows(result: ParseResult) -> Iterator[tuple[Sequence[Any], set[int]]]:
    by_row: dict[int, list[Rejection]] = {}
    for rejection in result.rejected:
        by_row.setdefault(rejection.row, []).append(rejection)
    width = len(result.headers)
    for number in sorted(by_row):
        rejections = by_row[number]
        cells = list(result.rejected_rows.get(number, []))[:width]
        cells += [""] * (width - len(cells))
        columns = list(dict.fromkeys(r.column for r in rejections))
        reasons = "；".join(dict.fromkeys(r.reason for r in rejections))
        marked = {i for i, header in enumerate(result.headers, start=1) if header in columns}
        yield [number, *cells, "、".join(columns), reasons], marked
