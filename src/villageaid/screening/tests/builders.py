"""Small registries written as CSV files for tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from villageaid.core import idnumber
from villageaid.screening.engine.datasets import BY_NAME

AS_OF = dt.date(2025, 6, 30)


def make_id(birth: dt.date, seq: int = 1, addr: str = "110105") -> str:
    """A valid ID: ``seq`` odd → male, even → female."""
    first17 = f"{addr}{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumber.calc_check_digit(first17 + "0")


def born_years_ago(years: int, *, days_after: int = 0) -> dt.date:
    """Birth date that makes someone exactly ``years`` on AS_OF (+ days later = younger)."""
    return AS_OF.replace(year=AS_OF.year - years) + dt.timedelta(days=days_after)


def household(code: str = "H1", **kw: Any) -> dict[str, Any]:
    row = {
        "household_code": code,
        "village_code": "110105001001",
        "household_type": "general",
        "monitoring_status": "none",
        "monitoring_category": "",
        "risk_types": "",
        "net_income_12m": "100000",
        "phone": "13800000000",
    }
    return {**row, **kw}


def person(pid: str, household_code: str = "H1", **kw: Any) -> dict[str, Any]:
    birth = idnumber.birth_date(pid) if idnumber.is_valid(pid) else dt.date(1980, 1, 1)
    sex = idnumber.sex(pid) if idnumber.is_valid(pid) else "1"
    row = {
        "household_code": household_code,
        "id_number": pid,
        "name": "张三",
        "relationship": "01",
        "sex": sex,
        "birth_date": birth.isoformat(),
        "health": "healthy",
        "labour": "normal",
        "school_stage": "",
        "medical_insurance": "1",
        "status": "active",
    }
    return {**row, **kw}


def write_csv(
    path: Path, rows: list[dict[str, Any]], columns: list[str], encoding: str = "utf-8"
) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def write_world(
    root: Path,
    households: list[dict[str, Any]],
    persons: list[dict[str, Any]],
    sources: dict[str, list[dict[str, Any]]] | None = None,
) -> tuple[Path, Path]:
    """Write registry and source files under ``root``; returns (registry_dir, sources_dir)."""
    registry, src = root / "registry", root / "sources"
    registry.mkdir(parents=True, exist_ok=True)
    src.mkdir(parents=True, exist_ok=True)
    write_csv(registry / "households.csv", households, list(household().keys()))
    write_csv(registry / "persons.csv", persons, list(person("x").keys()))
    for name, rows in (sources or {}).items():
        optional = [c for c, _ in BY_NAME[name].optional if any(c in r for r in rows)]
        write_csv(src / f"{name}.csv", rows, [*BY_NAME[name].column_names, *optional])
    return registry, src
