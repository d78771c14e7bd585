"""Hostile workbooks are refused from their zip directory or declared dimension, before a
whole-sheet read; what is read is streamed, so memory stays bounded by the caps."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from villageaid.registry.roster import RosterError, parse_roster
from villageaid.registry.tests import hostile
from villageaid.registry.tests.conftest import write_sheet


def test_declared_sparse_dimension_is_refused_naming_the_cap(tmp_path: Path) -> None:
    path = hostile.sparse(tmp_path / "sparse.xlsx")
    assert path.stat().st_size < 4096
    start = time.perf_counter()
    with pytest.raises(RosterError, match="110,000 行的上限"):
        parse_roster(path)
    assert time.perf_counter() - start < 2


def test_undeclared_far_row_is_refused_when_reached(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="行的上限"):
        parse_roster(hostile.sparse(tmp_path / "sparse.xlsx", declared=False))


def test_a_cell_past_the_column_cap_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="256 列的上限"):
        parse_roster(hostile.wide(tmp_path / "wide.xlsx"))


def test_caps_come_from_settings(tmp_path: Path, settings: Any) -> None:
    settings.ROSTER_MAX_ROWS = 3
    header = hostile.HEADER
    row = ["H1", "张三", "11010519491231002X", "户主", "健康", "普通劳动力", "是", "一般农户"]
    rows = [header, *([[*row[:0], f"H{n}", *row[1:], "371003105201"] for n in range(4)])]
    with pytest.raises(RosterError, match="3 行的上限"):
        parse_roster(write_sheet(tmp_path / "r.xlsx", rows))


def test_zip_bomb_is_refused_from_its_directory(tmp_path: Path, settings: Any) -> None:
    settings.ROSTER_MAX_UNCOMPRESSED_MB = 4
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", megabytes=16)
    assert path.stat().st_size < 200_000
    with pytest.raises(RosterError, match="解压后超过 4 MB 的上限"):
        parse_roster(path)


def test_zip_bomb_lying_about_its_size_stops_at_the_declared_size(tmp_path: Path) -> None:
    path = hostile.lying_zip_bomb(tmp_path / "liar.xlsx", megabytes=64)
    with pytest.raises(RosterError, match="无法读取表格文件"):
        parse_roster(path)


def test_huge_shared_strings_are_refused(tmp_path: Path, settings: Any) -> None:
    settings.ROSTER_MAX_SHARED_STRINGS_MB = 1
    with pytest.raises(RosterError, match="文字内容超过 1 MB 的上限"):
        parse_roster(hostile.huge_shared_strings(tmp_path / "sst.xlsx", count=200_000))


def test_too_many_shared_strings_are_refused(tmp_path: Path, settings: Any) -> None:
    settings.ROSTER_MAX_SHARED_STRINGS = 1000
    with pytest.raises(RosterError, match="1,000 条的上限"):
        parse_roster(hostile.huge_shared_strings(tmp_path / "sst.xlsx", count=5000))


def test_too_many_csv_rows_are_refused(tmp_path: Path, settings: Any) -> None:
    settings.ROSTER_MAX_ROWS = 10
    path = tmp_path / "r.csv"
    path.write_text(",".join(hostile.HEADER) + "\n" + "H,张三\n" * 20, encoding="utf-8")
    with pytest.raises(RosterError, match="10 行的上限"):
        parse_roster(path)


# VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child
# forked from a large pytest worker (preexec_fn forces fork) would report the worker's size.
PEAK = """
import sys
from villageaid.registry.roster import RosterError, parse_roster
try:
    parse_roster(sys.argv[1])
except RosterError:
    pass
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
"""


def test_sparse_workbook_costs_little_memory(tmp_path: Path) -> None:
    """Read with python-calamine (a whole-sheet read), this file cost 3.2 GB."""
    path = hostile.sparse(tmp_path / "sparse.xlsx", declared=False)
    limit = 1024 * 1024 * 1024  # a runaway allocation fails instead of swapping the machine

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=cap,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert int(done.stdout.split()[-1]) < 300


@pytest.mark.django_db
def test_an_upload_over_the_size_cap_is_refused_and_nothing_kept(
    areas: Any, make_user: Any, settings: Any, tmp_path: Path
) -> None:
    from villageaid.core.errors import ServiceError
    from villageaid.registry.imports import roster_import_stage
    from villageaid.registry.models import RosterImport

    settings.ROSTER_MAX_UPLOAD_MB = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(ServiceError, match="超过 1 MB 的上限"):
        roster_import_stage(
            filename="big.csv",
            content=b"x" * (1024 * 1024 + 1),
            actor=make_user("cadre"),
            village=areas["village"],
        )
    assert not RosterImport.objects.exists()


def test_a_csv_line_of_millions_of_cells_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(hostile.HEADER) + "\n" + "," * 5_000_000 + "\n", encoding="utf-8")
    with pytest.raises(RosterError, match="256 列的上限"):
        parse_roster(path)
