"""Hostile workbooks, written by hand into a zip: small files that cost a whole-sheet reader
gigabytes (the tests and ``benchmarks/roster_hostile.py`` use them)."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

HEADER = ["户编号", "姓名", "证件号码", "与户主关系", "健康状况", "劳动技能"]
HEADER += ["是否参加城乡居民基本医疗保险", "户类型", "行政村代码"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{_REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    cells = "".join(_inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def _sheet(rows: Iterable[str], dimension: str | None) -> Iterator[bytes]:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>'.encode()
    for row in rows:
        yield row.encode()
    yield b"</sheetData></worksheet>"


def _write(path: Path, sheet: Iterable[bytes], shared: Iterable[bytes] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as fh:
            for chunk in sheet:
                fh.write(chunk)
        with archive.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
            for chunk in shared:
                fh.write(chunk)
            fh.write(b"</sst>")
    return path


def sparse(path: Path, *, declared: bool = True) -> Path:
    """A header, one cell at XFD1000000, and (``declared``) the dimension saying so."""
    far = '<row r="1000000"><c r="XFD1000000"><v>1</v></c></row>'
    return _write(path, _sheet([_header_row(), far], "A1:XFD1000000" if declared else None))


def wide(path: Path) -> Path:
    """No dimension; one cell far to the right on the second row."""
    return _write(path, _sheet([_header_row(), '<row r="2"><c r="XFD2"><v>1</v></c></row>'], None))


def zip_bomb(path: Path, megabytes: int = 1024) -> Path:
    """A sheet of ``megabytes`` of blank rows, deflated to a few MB (declared honestly)."""
    blank = b'<row r="1"/>' * 4096

    def rows() -> Iterator[bytes]:
        yield from _sheet([_header_row()], None)
        for _ in range(megabytes * 1024 * 1024 // len(blank)):
            yield blank

    return _write(path, rows())


def lying_zip_bomb(path: Path, megabytes: int = 1024) -> Path:
    """:func:`zip_bomb` whose directory then declares the sheet's size as 1 KB."""
    zip_bomb(path, megabytes)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 22 : info.header_offset + 26] = struct.pack("<I", 1024)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_len = struct.unpack("<H", data[position + 28 : position + 30])[0]
        if data[position + 46 : position + 46 + name_len] == info.filename.encode():
            data[position + 24 : position + 28] = struct.pack("<I", 1024)
        position = data.find(b"PK\x01\x02", position + 46)
    path.write_bytes(bytes(data))
    return path


def huge_shared_strings(path: Path, count: int = 3_000_000) -> Path:
    """A header and ``count`` distinct short shared strings (tens of MB of XML)."""

    def strings() -> Iterator[bytes]:
        for start in range(0, count, 10_000):
            yield "".join(f"<si><t>{n}</t></si>" for n in range(start, start + 10_000)).encode()

    return _write(path, _sheet([_header_row()], "A1:I1"), strings())


def many_rows(path: Path, rows: int = 1_000_000) -> Path:
    """``rows`` valid-looking person rows, each its own household (no dimension declared)."""

    def body() -> Iterator[str]:
        yield _header_row()
        for n in range(2, rows + 2):
            cells = (
                f'<c r="A{n}" t="inlineStr"><is><t>H{n}</t></is></c>'
                f'<c r="B{n}" t="inlineStr"><is><t>张三</t></is></c>'
                f'<c r="C{n}" t="inlineStr"><is><t>{person_id(n)}</t></is></c>'
                f'<c r="D{n}" t="inlineStr"><is><t>户主</t></is></c>'
                f'<c r="E{n}" t="inlineStr"><is><t>健康</t></is></c>'
                f'<c r="F{n}" t="inlineStr"><is><t>普通劳动力</t></is></c>'
                f'<c r="G{n}" t="inlineStr"><is><t>是</t></is></c>'
                f'<c r="H{n}" t="inlineStr"><is><t>一般农户</t></is></c>'
                f'<c r="I{n}" t="inlineStr"><is><t>371003105201</t></is></c>'
            )
            yield f'<row r="{n}">{cells}</row>'

    return _write(path, _sheet(body(), None))


_LABELS = ["张三", "户主", "健康", "普通劳动力", "是", "一般农户", "371003105201"]


def many_compact_rows(path: Path, rows: int = 1_000_000, padding: int = 0) -> Path:
    """:func:`many_rows` as a spreadsheet program writes them: repeated labels as shared
    strings, so the XML stays under the uncompressed cap and only the row cap stops it;
    ``padding`` more shared strings that no cell uses."""
    strings = [f"<si><t>{label}</t></si>".encode() for label in _LABELS]
    strings += [f"<si><t>{n:012d}</t></si>".encode() for n in range(padding)]

    def body() -> Iterator[str]:
        yield _header_row()
        for n in range(2, rows + 2):
            shared = "".join(
                f'<c r="{col}{n}" t="s"><v>{index}</v></c>'
                for col, index in zip("BDEFGHI", range(7), strict=True)
            )
            yield (
                f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>H{n}</t></is></c>'
                f'<c r="C{n}" t="inlineStr"><is><t>{person_id(n)}</t></is></c>{shared}</row>'
            )

    return _write(path, _sheet(body(), None), strings)


def person_id(n: int) -> str:
    from villageaid.core import idnumber

    born = dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"371003{born:%Y%m%d}{n % 1000:03d}"
    return first17 + idnumber.calc_check_digit(first17)
