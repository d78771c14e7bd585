"""One worksheet's XML as ``(row number, cells)``, a chunk at a time.

Rows as spreadsheet programs write them (``<row r="3"><c r="A3" t="s"><v>0</v></c>…``) are
cut out of the decoded text with regular expressions, which run in C: a 100,000-row roster
reads in about the time python-calamine takes. Anything else — a namespace prefix on the
elements, a comment or CDATA, a phonetic run — goes through expat, one row (or, for a prefixed
sheet, the whole sheet) at a time. Both paths check the caps on every row and cell.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
from array import array
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from villageaid.registry.roster import limits
from villageaid.registry.roster.limits import Limits, column_number

_CHUNK = 1 << 20
_MAX_ROW_CHARS = 32 * 1024 * 1024  # 256 columns of Excel's longest cell, with room to spare
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_ROW_NUMBER = re.compile(r'\br\s*=\s*"(\d+)"')
_V = re.compile(r"<v(?:\s[^>]*)?>([^<]*)</v>")
_T = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_REF = re.compile(r"([A-Z]{1,3})")
_PREFIXED = re.compile(r"<\w+:(?:worksheet|sheetData)\b")
# The form spreadsheet programs write, as one token stream: a row's start (its attributes), a
# row's end, or a whole cell (column, style, type, style, value, inline text).
_TOKENS = re.compile(
    r"<row\b([^>]*)>|(</row>)"
    r'|<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'
    r"(?:\s*/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?"
    r"(?:<v>([^<]*)</v>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>)?</c>)"
)
_COLUMNS = {
    name: number
    for number, name in enumerate(
        [chr(65 + a) for a in range(26)]
        + [chr(65 + a) + chr(65 + b) for a in range(26) for b in range(26)],
        start=1,
    )
}


def parser() -> Any:
    made = expat.ParserCreate()
    made.buffer_text = True
    made.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return made


class PackedStrings:
    """A workbook's shared strings, packed: each block of ``BLOCK`` strings is one ``str`` and an
    array of offsets. A list of a million short ``str`` objects costs about 70 MB; this costs
    their characters, so the cap on their number bounds little memory."""

    BLOCK = 4096
    CACHED = 4096

    def __init__(self) -> None:
        self.cache: dict[int, str] = {}
        self.blocks: list[str] = []
        self.offsets: list[array[int]] = []
        self.pending: list[str] = []
        self.count = 0

    def append(self, text: str) -> None:
        self.pending.append(text)
        self.count += 1
        if len(self.pending) == self.BLOCK:
            self._pack()

    def finish(self) -> PackedStrings:
        if self.pending:
            self._pack()
        return self

    def _pack(self) -> None:
        offsets, total = array("I", [0]), 0
        for text in self.pending:
            total += len(text)
            offsets.append(total)
        self.blocks.append("".join(self.pending))
        self.offsets.append(offsets)
        self.pending = []

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str:
        """The string; the first ``CACHED`` asked for are kept, so that labels repeated on every
        row (户主, 健康, the village code) are one object, not one per cell."""
        found = self.cache.get(index)
        if found is not None:
            return found
        block, at = divmod(index, self.BLOCK)
        offsets = self.offsets[block]
        text = self.blocks[block][offsets[at] : offsets[at + 1]]
        if len(self.cache) < self.CACHED:
            self.cache[index] = text
        return text


class CellValues:
    """A cell's text as the value a spreadsheet shows: shared strings looked up, numbers as
    floats, numbers in a date style as dates, booleans as ``bool``."""

    def __init__(self, strings: PackedStrings, date_styles: frozenset[int]) -> None:
        self.strings, self.date_styles = strings, date_styles

    def value(self, raw: str, kind: str, style: int) -> Any:
        if kind == "s":
            index = int(raw) if raw.strip().isdigit() else -1
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind in ("inlineStr", "str", "e", "d"):
            return raw
        if kind == "b":
            return raw.strip() == "1"
        try:
            number = float(raw)
        except ValueError:
            return raw
        if style in self.date_styles and 0 <= number < 2958466:
            moment = _EXCEL_EPOCH + dt.timedelta(days=number)
            return moment.date() if number.is_integer() else moment
        return number


def _place(cells: list[Any], column: int, value: Any, caps: Limits) -> None:
    if column > caps.columns:
        raise limits.too_many_columns(caps.columns)
    missing = column - len(cells)
    if missing > 0:
        cells.extend([None] * (missing - 1))
        cells.append(value)
    else:
        cells[column - 1] = value


def sheet_rows(
    stream: IO[bytes], values: CellValues, caps: Limits
) -> Iterator[tuple[int, list[Any]]]:
    """The non-blank rows of a worksheet part, read ``_CHUNK`` bytes at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = decoder.decode(stream.read(_CHUNK))
    if _PREFIXED.search(first[:65536]):
        yield from _expat_rows(first.encode(), stream, values, caps)
        return
    state = _RowState(values, caps)
    buffer = first
    while True:
        chunk = stream.read(_CHUNK)
        buffer += decoder.decode(chunk, final=not chunk)
        cut = buffer.rfind("</row>")
        if cut >= 0:
            cut += len("</row>")
            yield from state.rows(buffer[:cut])
            buffer = buffer[cut:]
        if not chunk:
            yield from state.rows(buffer)
            return
        if len(buffer) > _MAX_ROW_CHARS:
            raise limits.too_large(_MAX_ROW_CHARS)


class _RowState:
    """The regular-expression path; remembers the last row number (``r`` may be left out)."""

    def __init__(self, values: CellValues, caps: Limits) -> None:
        self.values, self.caps = values, caps
        self.number = 0

    def rows(self, text: str) -> list[tuple[int, list[Any]]] | Iterator[tuple[int, list[Any]]]:
        fast = self.fast(text)
        return fast if fast is not None else self.general(text)

    def fast(self, text: str) -> list[tuple[int, list[Any]]] | None:
        """All rows of ``text`` from one token scan, or ``None`` when a cell is not in the
        common form (the general path then reads ``text``)."""
        tokens = _TOKENS.findall(text)
        if sum(1 for t in tokens if t[2]) != text.count("<c ") + text.count("<c>"):
            return None
        done: list[tuple[int, list[Any]]] = []
        cells: list[Any] = []
        value, caps, columns = self.values.value, self.caps, _COLUMNS
        for attrs, end, ref, style, kind, style2, raw, inline in tokens:
            if ref:
                if not (raw or inline):
                    continue
                column = columns.get(ref) or column_number(ref)
                text_value = raw or inline
                if "&" in text_value:
                    text_value = html.unescape(text_value)
                number = style or style2
                cell = value(text_value, kind or "n", int(number) if number else 0)
                if column == len(cells) + 1:
                    cells.append(cell)
                else:
                    _place(cells, column, cell, caps)
                if column > caps.columns:
                    raise limits.too_many_columns(caps.columns)
            elif end:
                if any(c is not None and c != "" for c in cells):
                    done.append((self.number, cells))
                cells = []
            else:
                found = _ROW_NUMBER.search(attrs)
                self.number = int(found.group(1)) if found else self.number + 1
                if self.number > caps.rows:
                    raise limits.too_many_rows(caps.rows)
                cells = []
        return done

    def general(self, text: str) -> Iterator[tuple[int, list[Any]]]:
        for match in _ROW.finditer(text):
            attrs, body = match.groups()
            found = _ROW_NUMBER.search(attrs)
            self.number = int(found.group(1)) if found else self.number + 1
            if self.number > self.caps.rows:
                raise limits.too_many_rows(self.caps.rows)
            if not body:
                continue
            cells = self.cells(body) if "<!" not in body and "<rPh" not in body else None
            if cells is None:
                cells = _one_row_by_expat(match.group(0), self.number, self.values, self.caps)
            if any(c is not None and c != "" for c in cells):
                yield self.number, cells

    def cells(self, body: str) -> list[Any]:
        cells: list[Any] = []
        column = 0
        for match in _CELL.finditer(body):
            attrs = dict(_ATTR.findall(match.group(1)))
            ref = _REF.match(attrs.get("r", ""))
            column = column_number(ref.group(1)) if ref else column + 1
            inner = match.group(2)
            if inner is None:
                if column > self.caps.columns:
                    raise limits.too_many_columns(self.caps.columns)
                continue
            kind = attrs.get("t", "n")
            if kind == "inlineStr":
                raw: str | None = "".join(_T.findall(inner))
            else:
                found = _V.search(inner)
                raw = found.group(1) if found else None
            if raw is None:
                continue
            if "&" in raw:
                raw = html.unescape(raw)
            style = attrs.get("s", "0")
            value = self.values.value(raw, kind, int(style) if style.isdigit() else 0)
            _place(cells, column, value, self.caps)
        return cells


def _one_row_by_expat(xml: str, number: int, values: CellValues, caps: Limits) -> list[Any]:
    reader = _ExpatRows(values, caps)
    reader.row_number = number - 1
    reader.parser.Parse(f'<worksheet xmlns="{_NS}"><sheetData>{xml}</sheetData></worksheet>', True)
    done = reader.take()
    return done[0][1] if done else []


def _expat_rows(
    first: bytes, stream: IO[bytes], values: CellValues, caps: Limits
) -> Iterator[tuple[int, list[Any]]]:
    reader = _ExpatRows(values, caps)
    reader.parser.Parse(first, False)
    yield from reader.take()
    while chunk := stream.read(_CHUNK):
        reader.parser.Parse(chunk, False)
        yield from reader.take()
    reader.parser.Parse(b"", True)
    yield from reader.take()


class _ExpatRows:
    """expat callbacks turning ``<row>``/``<c>`` elements (any prefix) into rows."""

    def __init__(self, values: CellValues, caps: Limits) -> None:
        self.values, self.caps = values, caps
        self.done: list[tuple[int, list[Any]]] = []
        self.row_number = 0
        self.cells: list[Any] = []
        self.column = 0
        self.kind = ""
        self.style = 0
        self.text: list[str] | None = None
        self.length = 0
        self.collecting = False
        self.in_inline = False
        self.phonetic = False
        self.parser = parser()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data

    def take(self) -> list[tuple[int, list[Any]]]:
        done, self.done = self.done, []
        return done

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "c":
            self.start_cell(attrs)
        elif name == "v" or (name == "t" and self.in_inline and not self.phonetic):
            if self.text is None:
                self.text = []
            self.collecting = True
        elif name == "rPh":
            self.phonetic = True  # a phonetic run's text is not the cell's
        elif name == "is":
            self.in_inline = True
        elif name == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            if self.row_number > self.caps.rows:
                raise limits.too_many_rows(self.caps.rows)
            self.cells, self.column = [], 0

    def start_cell(self, attrs: dict[str, str]) -> None:
        ref = _REF.match(attrs.get("r", ""))
        self.column = column_number(ref.group(1)) if ref else self.column + 1
        if self.column > self.caps.columns:
            raise limits.too_many_columns(self.caps.columns)
        self.kind = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self.style = int(style) if style.isdigit() else 0
        self.text, self.length = None, 0

    def end(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name == "c":
            raw = "".join(self.text) if self.text is not None else None
            self.text = None
            if raw is not None:
                _place(
                    self.cells,
                    self.column,
                    self.values.value(raw, self.kind, self.style),
                    self.caps,
                )
        elif name == "row":
            if any(c is not None and c != "" for c in self.cells):
                self.done.append((self.row_number, self.cells))
        elif name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "is":
            self.in_inline = False

    def data(self, text: str) -> None:
        if self.collecting and self.text is not None:
            self.length += len(text)
            if self.length > _MAX_ROW_CHARS:
                raise limits.too_large(_MAX_ROW_CHARS)
            self.text.append(text)
