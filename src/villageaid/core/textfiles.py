"""Reading the text files other departments send: UTF-8 (with or without BOM),
UTF-16 with a BOM, or GB18030/GBK, which spreadsheet programs on Chinese Windows
save CSV in. One detector for every app (roster import, department datasets,
platform exports, area lists)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

CHUNK = 1 << 20


def sniff_encoding(raw: IO[bytes], *, digest: Any = None) -> str:
    """The encoding of the whole stream, read once in chunks and rewound: ``utf-8-sig``
    or ``utf-16`` by their BOM, ``utf-8`` when every byte decodes as UTF-8, else
    ``gb18030`` when every byte decodes as that. ``digest`` (a hashlib object) is fed
    every byte on the way. Raises ``ValueError`` when neither decodes."""
    start = raw.tell()
    head = raw.read(4)
    raw.seek(start)
    bom = None
    if head.startswith(codecs.BOM_UTF8):
        bom = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom = "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = bom is None
    while chunk := raw.read(CHUNK):
        if digest is not None:
            digest.update(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
                if digest is None:
                    break
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    raw.seek(start)
    if bom is not None:
        return bom
    if utf8:
        return "utf-8"
    gb = codecs.getincrementaldecoder("gb18030")()
    try:
        while chunk := raw.read(CHUNK):
            gb.decode(chunk)
        gb.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ValueError("无法识别文件编码（应为 UTF-8 或 GB18030）") from None
    finally:
        raw.seek(start)
    return "gb18030"


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        try:
            return sniff_encoding(fh)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from None


def open_text(path: Path) -> io.TextIOWrapper:
    return path.open("r", encoding=detect_encoding(path), newline="")


def read_csv_dicts(path: Path) -> Iterator[dict[str, str]]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield {(k or "").strip(): (v or "").strip() for k, v in row.items()}
