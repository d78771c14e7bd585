"""The caps a roster file must stay within, from settings (``ROSTER_MAX_*``), and the checks
made on a workbook's zip directory before any of it is decompressed.

A 2 KB workbook can declare a cell at XFD1048576, and a 50 MB one can hold gigabytes of XML:
what a file costs to read is decided here, from its directory and its declared dimension, not
found out while reading it.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext

from villageaid.registry.roster.model import RosterError

MB = 1024 * 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF
_MAX_MEMBERS = 200  # an XLSX has about ten parts; more is not a roster


@dataclass(frozen=True)
class Limits:
    rows: int = 110_000
    columns: int = 256
    uncompressed_bytes: int = 512 * MB
    shared_strings_bytes: int = 48 * MB
    shared_strings: int = 600_000
    part_bytes: int = 8 * MB  # workbook.xml, styles.xml, relationships: read whole


def _(message: str) -> str:
    """``gettext``, also outside Django (the parsing benchmarks run without settings)."""
    return gettext(message) if settings.configured else message


def unreadable() -> RosterError:
    return RosterError(_("无法读取表格文件，请确认是有效的 XLSX 或 XLS 文件"))


def limits() -> Limits:
    """The caps in force: the ``ROSTER_MAX_*`` settings, or the defaults outside Django."""
    if not settings.configured:
        return Limits()
    default = Limits()
    return Limits(
        rows=getattr(settings, "ROSTER_MAX_ROWS", default.rows),
        columns=getattr(settings, "ROSTER_MAX_COLUMNS", default.columns),
        uncompressed_bytes=getattr(settings, "ROSTER_MAX_UNCOMPRESSED_MB", 512) * MB,
        shared_strings_bytes=getattr(settings, "ROSTER_MAX_SHARED_STRINGS_MB", 48) * MB,
        shared_strings=getattr(settings, "ROSTER_MAX_SHARED_STRINGS", default.shared_strings),
    )


def too_many_rows(cap: int) -> RosterError:
    return RosterError(_("表格超过 %(cap)s 行的上限，请分成几个文件导入") % {"cap": f"{cap:,}"})


def too_many_columns(cap: int) -> RosterError:
    return RosterError(_("表格超过 %(cap)s 列的上限，请删去多余的列后重新导入") % {"cap": cap})


def too_large(cap: int) -> RosterError:
    return RosterError(
        _("表格解压后超过 %(cap)s MB 的上限，请分成几个文件导入") % {"cap": cap // MB}
    )


def check_directory(fh: IO[bytes]) -> None:
    """Refuse a zip with more members than a workbook has (each costs memory once ``zipfile``
    reads the directory) or in ZIP64, before ``zipfile`` reads it."""
    if _member_count(fh) > _MAX_MEMBERS:
        raise unreadable()


def check_members(archive: zipfile.ZipFile, caps: Limits) -> None:
    """Refuse members whose declared sizes exceed the caps. ``zipfile`` stops each member at
    its declared size (and fails its CRC past it), so a member that lies about its size cannot
    decompress beyond what is checked here: a zip bomb is refused before it is inflated."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size < 0 or total > caps.uncompressed_bytes:
            raise too_large(caps.uncompressed_bytes)
        if info.filename.lower() == "xl/sharedstrings.xml" and (
            info.file_size > caps.shared_strings_bytes
        ):
            raise RosterError(
                _("表格中的文字内容超过 %(cap)s MB 的上限，请分成几个文件导入")
                % {"cap": caps.shared_strings_bytes // MB}
            )


def _member_count(fh: IO[bytes]) -> int:
    fh.seek(0, 2)
    size = fh.tell()
    tail_size = min(size, _EOCD_SIZE + _MAX_COMMENT)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    fh.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise unreadable()
    entries: int = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if entries == 0xFFFF:  # ZIP64: no roster needs it
        raise unreadable()
    return entries


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\""
)


def column_number(letters: str) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def check_dimension(head: bytes, caps: Limits) -> int | None:
    """Refuse a sheet whose declared ``<dimension ref="A1:XFD1048576"/>`` exceeds the caps
    (``head`` is the start of the sheet's XML, where the element is); the declared last row."""
    match = _DIMENSION.search(head)
    if match is None:
        return None
    last_column = match.group(3) or match.group(1)
    last_row = match.group(4) or match.group(2)
    if last_row is not None and int(last_row) > caps.rows:
        raise too_many_rows(caps.rows)
    if last_column is not None and column_number(last_column.decode()) > caps.columns:
        raise too_many_columns(caps.columns)
    return int(last_row) if last_row is not None else None
