"""Reading the text files other departments send: UTF-8 (with or without BOM)
or GB18030/GBK, which spreadsheet programs on Chinese Windows save CSV in."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


def detect_encoding(path: Path, sample_size: int = 1 << 20) -> str:
    with path.open("rb") as fh:
        sample = fh.read(sample_size)
    for encoding in ENCODINGS:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is not an error.
            if encoding == "utf-8-sig" and exc.start >= len(sample) - 3:
                return encoding
            continue
        return encoding
    raise ValueError(f"{path.name}: 无法识别文件编码（应为 UTF-8 或 GB18030）")


def open_text(path: Path) -> io.TextIOWrapper:
    return path.open("r", encoding=detect_encoding(path), newline="")


def read_csv_dicts(path: Path) -> Iterator[dict[str, str]]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield {(k or "").strip(): (v or "").strip() for k, v in row.items()}
