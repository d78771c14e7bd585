"""The one encoding detector every import uses."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from villageaid.core.textfiles import CHUNK, detect_encoding, read_csv_dicts, sniff_encoding

TEXT = "姓名,身份证号\n王建国,110105194912310029\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        # ASCII for more than a chunk, then GBK: decided by the whole file, not a sample.
        (b"a,b\n" * (CHUNK // 4 + 10) + TEXT.encode("gb18030"), "gb18030"),
        # A UTF-8 character cut by the chunk boundary is still UTF-8.
        (b"x" * (CHUNK - 1) + "王".encode() + b"\n", "utf-8"),
    ],
)
def test_sniff_reads_the_whole_stream_and_rewinds(data: bytes, expected: str) -> None:
    raw = io.BytesIO(data)
    digest = hashlib.sha256()
    assert sniff_encoding(raw, digest=digest) == expected
    assert raw.tell() == 0
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert data.decode(expected)  # what it said decodes


def test_neither_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n\xff\xfe\xfd\x80\x80\n")
    with pytest.raises(ValueError, match=r"bad\.csv.*UTF-8 或 GB18030"):
        detect_encoding(path)


def test_gb18030_csv_reads_as_dicts(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(TEXT.encode("gb18030"))
    assert list(read_csv_dicts(path)) == [{"姓名": "王建国", "身份证号": "110105194912310029"}]
