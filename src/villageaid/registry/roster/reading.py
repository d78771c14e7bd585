"""Reading rows: a workbook or a CSV file as ``(sheet row number, cells)``, within the caps of
:mod:`.limits`, and finding the header row under any title rows.

XLSX is streamed (:mod:`.xlsx`); legacy XLS (BIFF, at most 65,536 × 256 cells) is read by
python-calamine; CSV row by row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from villageaid.core.textfiles import sniff_encoding
from villageaid.registry import labels
from villageaid.registry.roster import limits
from villageaid.registry.roster.model import ROSTER_HEADERS, RosterError
from villageaid.registry.roster.xlsx import Workbook

HEADER_SCAN_ROWS = 30
_MAX_LINE = 4 * 1024 * 1024  # characters: 256 columns of long text, with room to spare
Source = str | Path | IO[bytes]


def header_key(text: object) -> str:
    key = labels.label_key(text).replace("*", "").rstrip(":")
    return re.sub(r"\([^)]*\)$", "", key)


HEADER_INDEX: dict[str, str] = {
    header_key(h): name
    for name, (header, aliases) in ROSTER_HEADERS.items()
    for h in (header, *aliases)
}


def is_header_cell(cell: object) -> bool:
    """A cell that reads as one of the roster's headers (a header repeated on a later page)."""
    return isinstance(cell, str) and header_key(cell) in HEADER_INDEX


def header_map(row: Sequence[object]) -> dict[str, int]:
    """``{field: column index}`` for the cells of ``row`` that are known headers."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = HEADER_INDEX.get(header_key(cell)) if isinstance(cell, str) else None
        if name and name not in found:
            found[name] = index
    return found


def is_header(row: Sequence[object]) -> bool:
    found = header_map(row)
    return "id_number" in found and len(found) >= 3


@dataclass
class Table:
    sheet: str
    rows: Iterator[tuple[int, list[Any]]]  # (sheet row number, cells)
    total: int | None


def _open(source: Source) -> tuple[bytes, Path | IO[bytes]]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            with path.open("rb") as fh:
                return fh.read(8), path
        except OSError as exc:
            raise RosterError(f"无法打开文件：{path.name}") from exc
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    return head, source


def tables(source: Source) -> Iterator[Table]:
    head, opened = _open(source)
    if not head:
        raise RosterError("文件是空的")
    if head.startswith(b"PK\x03\x04"):
        yield from _xlsx_tables(opened)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        yield from _xls_tables(opened)
    else:
        yield _csv_table(opened)


def _xlsx_tables(opened: Path | IO[bytes]) -> Iterator[Table]:
    # The file stays open while a table's rows are read (the caller may stop at any sheet);
    # it is closed with the workbook once neither is referenced.
    fh: IO[bytes] = opened.open("rb") if isinstance(opened, Path) else opened
    workbook = Workbook(fh, limits.limits())
    for name, part in workbook.sheets:
        total = workbook.declared_rows(part)
        yield Table(name, workbook.rows(part), total)


def _xls_tables(opened: Path | IO[bytes]) -> Iterator[Table]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_object(opened)
    except Exception as exc:  # calamine raises several unrelated types
        raise limits.unreadable() from exc
    with workbook:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            end = sheet.end
            if end is None:
                continue
            # iter_rows() starts at the sheet's first row, so the index is the row number - 1.
            rows = ((n + 1, list(cells)) for n, cells in enumerate(sheet.iter_rows()))
            yield Table(name, rows, end[0] + 1)


def _detect_encoding(raw: IO[bytes]) -> str:
    try:
        return sniff_encoding(raw)
    except ValueError as exc:
        raise RosterError(f"CSV 文件{exc}") from None


def _csv_table(opened: Path | IO[bytes]) -> Table:
    raw: IO[bytes] = opened.open("rb") if isinstance(opened, Path) else opened
    encoding = _detect_encoding(raw)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    sample = text.read(1 << 16)
    text.seek(0)
    first_lines = sample.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in first_lines))
    return Table("CSV", _csv_rows(text, delimiter, encoding, close=isinstance(opened, Path)), None)


def _csv_rows(
    text: io.TextIOWrapper, delimiter: str, encoding: str, *, close: bool
) -> Iterator[tuple[int, list[Any]]]:
    caps = limits.limits()
    try:
        lines = _bounded_lines(text, caps)
        for number, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            if number > caps.rows:
                raise limits.too_many_rows(caps.rows)
            if len(cells) > caps.columns:
                raise limits.too_many_columns(caps.columns)
            yield number, list(cells)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"CSV 文件无法读取（{encoding}）：{exc}") from exc
    finally:
        if close:
            text.close()


def _bounded_lines(text: io.TextIOWrapper, caps: limits.Limits) -> Iterator[str]:
    """Lines of at most ``_MAX_LINE`` characters: a line of millions of delimiters would make
    ``csv`` build a list of millions of cells before the column cap is checked."""
    for line in text:
        if len(line) > _MAX_LINE:
            raise limits.too_many_columns(caps.columns)
        yield line


def find_header(table: Table) -> tuple[int, list[Any]] | None:
    """The header row within the first rows; ``(0, [])`` for a sheet without any row."""
    number = 0
    for number, cells in table.rows:
        if is_header(cells):
            return number, cells
        if number >= HEADER_SCAN_ROWS:
            return None
    return None if number else (0, [])


def collect_rows(source: Source, sheet: str, wanted: set[int]) -> dict[int, list[Any]]:
    """The cells of the rows ``wanted`` of ``sheet``, read again (rejected late, at the end)."""
    found: dict[int, list[Any]] = {}
    for table in tables(source):
        if table.sheet == sheet:
            for number, cells in table.rows:
                if number in wanted:
                    found[number] = cells
            break
    return found


def locate(source: Source) -> tuple[Table, int, list[Any]]:
    """The first sheet with a header row: the table, the header's row number and cells."""
    seen = 0
    for table in tables(source):
        header = find_header(table)
        if header == (0, []):
            continue  # an empty sheet
        seen += 1
        if header is not None:
            return table, header[0], header[1]
    if not seen:
        raise RosterError("表格是空的，没有任何内容")
    raise RosterError("找不到表头：需要一行包含“证件号码”“姓名”“户编号”等列名")
