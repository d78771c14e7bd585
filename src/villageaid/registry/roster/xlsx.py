"""XLSX read as a stream: one row at a time, with memory bounded by the caps of
:mod:`.limits`, whatever the file declares.

A whole-sheet reader (python-calamine, openpyxl's normal mode) builds a rectangle from the first
to the last cell, so one cell at XFD1000000 costs gigabytes. Here the zip directory and the
sheet's declared dimension are checked before anything is inflated, the sheet's XML is read in
chunks (:mod:`.sheet`), and each row is handed on as soon as it ends; a row or column past the
caps stops the read. Only the shared strings are held whole, within their own cap.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

from villageaid.registry.roster import limits
from villageaid.registry.roster.limits import Limits
from villageaid.registry.roster.model import RosterError
from villageaid.registry.roster.sheet import CellValues, PackedStrings, parser, sheet_rows

_CHUNK = 1 << 16
_HEAD = 1 << 12  # the <dimension> element is near the start of a sheet's XML
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


class Workbook:
    """An opened XLSX: its sheets by name, its shared strings and date styles."""

    def __init__(self, fh: IO[bytes], caps: Limits) -> None:
        limits.check_directory(fh)
        try:
            self.archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, ValueError) as exc:
            raise limits.unreadable() from exc
        limits.check_members(self.archive, caps)
        self.caps = caps
        self.names = {info.filename.lower(): info.filename for info in self.archive.infolist()}
        self.sheets = self._sheets()
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def _part(self, name: str) -> bytes | None:
        actual = self.names.get(name.lower())
        if actual is None:
            return None
        if self.archive.getinfo(actual).file_size > self.caps.part_bytes:
            raise limits.too_large(self.caps.part_bytes)
        try:
            return self.archive.read(actual)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise limits.unreadable() from exc

    def _xml(self, name: str) -> ElementTree.Element | None:
        data = self._part(name)
        if data is None:
            return None
        try:
            return ElementTree.fromstring(data)  # noqa: S314 (no entities: expat's defaults)
        except ElementTree.ParseError as exc:
            raise limits.unreadable() from exc

    def _sheets(self) -> list[tuple[str, str]]:
        """``[(sheet name, part name)]`` in workbook order."""
        book, rels = self._xml("xl/workbook.xml"), self._xml("xl/_rels/workbook.xml.rels")
        if book is None or rels is None:
            raise limits.unreadable()
        targets = {
            r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"
        }
        sheets = []
        for element in book.iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            sheets.append((element.get("name", ""), posixpath.normpath(part)))
        return sheets

    def _shared_strings(self) -> PackedStrings:
        actual = self.names.get("xl/sharedstrings.xml")
        if actual is None:
            return PackedStrings()
        reader = _SharedStrings(self.caps.shared_strings)
        with self.archive.open(actual) as stream:
            _feed(reader.parser, stream)
        return reader.strings.finish()

    def _date_styles(self) -> frozenset[int]:
        styles = self._xml("xl/styles.xml")
        if styles is None:
            return frozenset()
        custom = {
            int(e.get("numFmtId", "0")): e.get("formatCode", "")
            for e in styles.iter()
            if _local(e.tag) == "numFmt"
        }
        dated = {n for n, code in custom.items() if _is_date_format(code)}
        dated |= _BUILTIN_DATE_FORMATS - set(custom)
        xfs = next((e for e in styles if _local(e.tag) == "cellXfs"), None)
        if xfs is None:
            return frozenset()
        return frozenset(
            index for index, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in dated
        )

    def declared_rows(self, part: str) -> int | None:
        """The sheet's declared last row; refuses a dimension over the caps."""
        actual = self.names.get(part.lower())
        if actual is None:
            return None
        try:
            with self.archive.open(actual) as stream:
                head = stream.read(_HEAD)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise limits.unreadable() from exc
        return limits.check_dimension(head, self.caps)

    def rows(self, part: str) -> Iterator[tuple[int, list[Any]]]:
        """``(sheet row number, cells)`` of one sheet, blank rows left out."""
        actual = self.names.get(part.lower())
        if actual is None:
            return
        values = CellValues(self.strings, self.date_styles)
        try:
            with self.archive.open(actual) as stream:
                yield from sheet_rows(stream, values, self.caps)
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, UnicodeError) as exc:
            raise limits.unreadable() from exc

    def close(self) -> None:
        self.archive.close()


def _is_date_format(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return bool(re.search(r"[ymdhs]", bare)) and "general" not in bare


def _feed(parser: Any, stream: IO[bytes]) -> None:
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise limits.unreadable() from exc


class _SharedStrings:
    """``<si>`` texts in order; phonetic runs (``<rPh>``) left out, as spreadsheets show them."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.strings = PackedStrings()
        self.parts: list[str] = []
        self.in_text = False
        self.phonetic = 0
        self.parser = parser()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data

    def start(self, tag: str, _attrs: dict[str, str]) -> None:
        name = _local(tag)
        if name == "t":
            self.in_text = not self.phonetic
        elif name == "rPh":
            self.phonetic += 1
        elif name == "si":
            self.parts = []

    def end(self, tag: str) -> None:
        name = _local(tag)
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            if len(self.strings) >= self.cap:
                raise RosterError(
                    limits._("表格中的不同文字超过 %(cap)s 条的上限，请分成几个文件导入")
                    % {"cap": f"{self.cap:,}"}
                )
            self.strings.append("".join(self.parts))

    def data(self, text: str) -> None:
        if self.in_text:
            self.parts.append(text)
