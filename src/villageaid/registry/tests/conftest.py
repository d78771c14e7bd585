"""Shared helpers for the registry tests (plain pytest, no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from villageaid.registry import synth


def write_sheet(path: Path, rows: list[list[Any]], merge_title: str | None = None) -> Path:
    """A one-sheet workbook; with ``merge_title`` row 1 is a title merged over the columns."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if merge_title is not None:
        sheet.append([merge_title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def beima_only(code: str) -> bool:
    return code == synth.BEIMA_CODE


@pytest.fixture(scope="session")
def beima() -> synth.DemoVillage:
    return synth.beima_village()


@pytest.fixture(scope="session")
def beima_roster(tmp_path_factory: pytest.TempPathFactory, beima: synth.DemoVillage) -> Path:
    path = tmp_path_factory.mktemp("roster") / "beima.xlsx"
    return synth.write_roster_xlsx(path, beima.households, beima.persons)
