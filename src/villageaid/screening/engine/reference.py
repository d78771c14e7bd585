"""A plain, slow Python evaluator of the same catalogue, for property tests.

It reads the input files itself (csv module; Parquet through DuckDB only as a
file reader) and loops over people and records. Each rule module's
``reference`` function holds the rule's logic; this module supplies the facts.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

from villageaid.core import idnumber
from villageaid.screening.engine import expr
from villageaid.screening.engine.catalogue import Catalogue
from villageaid.screening.engine.datasets import DEPARTMENT, REGISTRY, Dataset
from villageaid.screening.engine.loader import detect_encoding, find_file
from villageaid.screening.engine.ruledef import EvidenceRow, Window, full_years

Record = dict[str, Any]
CENT = Decimal("0.01")


@dataclass
class RefPerson:
    household_code: str | None
    id_number: str | None
    sex: str | None
    birth_date: dt.date | None
    health: str | None
    labour: str | None
    medical_insurance: str | None
    status: str | None
    id_ok: bool = False
    id_birth: dt.date | None = None
    birth: dt.date | None = None
    age: int | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"

    def age_on(self, day: dt.date) -> int | None:
        return full_years(self.birth, day)


@dataclass
class RefHousehold:
    household_code: str
    village_code: str | None
    household_type: str | None
    monitoring_status: str | None
    monitoring_category: str | None
    risk_types: str | None
    net_income_12m: Decimal | None
    active_members: int = 0

    @property
    def covered(self) -> bool:
        return self.household_type == "tuopin" or self.monitoring_status == "monitored"

    @property
    def monitored(self) -> bool:
        return self.monitoring_status == "monitored"

    def facts(self) -> dict[str, Any]:
        return {
            "village_code": self.village_code,
            "household_type": self.household_type,
            "monitoring_status": self.monitoring_status,
            "monitoring_category": self.monitoring_category,
            "net_income_12m": self.net_income_12m,
            "covered": self.covered,
            "monitored": self.monitored,
            "active_members": self.active_members,
        }


@dataclass
class RefContext:
    window: Window
    monitoring_line: Decimal
    households: dict[str, RefHousehold]
    persons: list[RefPerson]
    datasets: dict[str, list[Record]]
    fired: dict[str, set[str]] = field(default_factory=dict)

    @property
    def active(self) -> list[RefPerson]:
        return [p for p in self.persons if p.active]

    def records(self, name: str, id_number: str | None) -> list[Record]:
        return [r for r in self.datasets.get(name, []) if r["id_number"] == id_number]

    def members(self, *, deceased: bool = False) -> Iterator[tuple[RefPerson, RefHousehold]]:
        statuses = ("active", "deceased") if deceased else ("active",)
        for person in self.persons:
            household = self.households.get(person.household_code or "")
            if person.status in statuses and household is not None:
                yield person, household

    def stays(self) -> dict[str, dict[int, tuple[RefPerson, Record]]]:
        """Active members' stays admitted in the period, per household, by record id."""
        result: dict[str, dict[int, tuple[RefPerson, Record]]] = defaultdict(dict)
        for person in self.active:
            for record in self.records("medical_claims", person.id_number):
                if self.window.in_period(record["admission_date"]):
                    result[person.household_code or ""][record["rid"]] = (person, record)
        return result


def _read_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    if path.suffix == ".parquet":
        con = duckdb.connect()
        rel = con.sql(f"SELECT * FROM read_parquet('{path}')")  # noqa: S608
        return [str(c) for c in rel.columns], [list(r) for r in rel.fetchall()]
    with path.open(encoding=detect_encoding(path), newline="") as handle:
        rows = list(csv.reader(handle))
    header = [h.strip().lstrip("\ufeff") for h in rows[0]] if rows else []
    return header, rows[1:]


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _parse(value: Any, kind: str) -> Any:
    text = _text(value)
    if text is None:
        return None
    if kind == "id":
        return text.upper()
    if kind == "date":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    if kind in ("money", "int"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        if kind == "int":
            return int(number.to_integral_value(ROUND_HALF_UP))
        return number.quantize(CENT, ROUND_HALF_UP)
    return text


def read_dataset(path: Path, dataset: Dataset) -> list[Record]:
    header, rows = _read_rows(path)
    index = {name: header.index(name) for name in dataset.column_names}
    extra = [(c, k, header.index(c)) for c, k in dataset.optional if c in header]
    missing = {c: None for c, _ in dataset.optional if c not in header}
    return [
        {
            "rid": n,
            **{c: _parse(row[index[c]], k) for c, k in dataset.columns},
            **{c: _parse(row[i], k) for c, k, i in extra},
            **missing,
        }
        for n, row in enumerate(rows)
    ]


def build_context(
    *, registry_dir: Path, sources_dir: Path, window: Window, monitoring_line: Decimal
) -> RefContext:
    households_ds, persons_ds = REGISTRY
    raw_h = read_dataset(_need(registry_dir, "households"), households_ds)
    raw_p = read_dataset(_need(registry_dir, "persons"), persons_ds)
    persons = [_person(r, window) for r in raw_p]
    households: dict[str, RefHousehold] = {}
    for r in raw_h:
        fields = {c: r[c] for c in households_ds.column_names}
        households.setdefault(r["household_code"], RefHousehold(**fields))
    for person in persons:
        household = households.get(person.household_code or "")
        if person.active and household is not None:
            household.active_members += 1
    datasets: dict[str, list[Record]] = {}
    for dataset in DEPARTMENT:
        path = find_file(sources_dir, dataset.name)
        if path is not None:
            datasets[dataset.name] = [
                r for r in read_dataset(path, dataset) if _on_or_before(r, dataset, window)
            ]
    return RefContext(window, monitoring_line, households, persons, datasets)


def _need(directory: Path, name: str) -> Path:
    path = find_file(directory, name)
    if path is None:
        raise FileNotFoundError(f"{directory}/{name}.csv")
    return path


def _on_or_before(record: Record, dataset: Dataset, window: Window) -> bool:
    if dataset.date_column is None:
        return True
    day = record[dataset.date_column]
    return day is not None and day <= window.as_of


def _person(r: Record, window: Window) -> RefPerson:
    person = RefPerson(**{k: v for k, v in r.items() if k != "rid"})
    person.id_ok = person.id_number is not None and idnumber.is_valid(person.id_number)
    if person.id_ok and person.id_number is not None:
        person.id_birth = idnumber.birth_date(person.id_number)
    person.birth = person.id_birth if person.id_ok else person.birth_date
    person.age = full_years(person.birth, window.as_of)
    return person


def evaluate(
    catalogue: Catalogue, *, registry_dir: Path, sources_dir: Path
) -> list[dict[str, Any]]:
    """Clues as dicts (same keys as :class:`Clue`), evidence as a parsed list."""
    window = catalogue.window
    ctx = build_context(
        registry_dir=registry_dir,
        sources_dir=sources_dir,
        window=window,
        monitoring_line=catalogue.monitoring_line,
    )
    clues: list[dict[str, Any]] = []
    for rule, params in catalogue.runnable(set(ctx.datasets)):
        condition = expr.parse_condition(params["condition"])
        grouped: dict[str, set[EvidenceRow]] = defaultdict(set)
        for row in rule.reference(ctx, {**params, "monitoring_line": ctx.monitoring_line}):
            household = ctx.households.get(row[0])
            if household is not None and expr.evaluate(condition, household.facts()) is True:
                grouped[row[0]].add(row)
        ctx.fired[rule.code] = set(grouped)
        for code, rows in grouped.items():
            clues.append(_clue(rule.code, rule.kind, rule.risk_type, params, ctx, code, rows))
    return clues


def _clue(
    code: str,
    kind: str,
    risk_type: str | None,
    params: dict[str, Any],
    ctx: RefContext,
    household: str,
    rows: Iterable[EvidenceRow],
) -> dict[str, Any]:
    return {
        "rule_code": code,
        "kind": kind,
        "household_code": household,
        "village_code": ctx.households[household].village_code,
        "risk_type": risk_type,
        "severity": params["severity"],
        "evidence": [evidence_item(r) for r in rows],
    }


def evidence_item(row: EvidenceRow) -> dict[str, Any]:
    _, person, source, day, amount, detail = row
    return {
        "person": idnumber.mask(person) if person is not None else None,
        "source": source,
        "date": day.isoformat() if day else None,
        "value": str(amount.quantize(CENT)) if amount is not None else None,
        "detail": detail,
    }


def canonical(clues: Iterable[dict[str, Any]]) -> set[str]:
    """Order-free form of a clue list for comparisons."""
    out = set()
    for clue in clues:
        evidence = clue["evidence"]
        if isinstance(evidence, str):
            evidence = json.loads(evidence)
        items = sorted(json.dumps(e, sort_keys=True) for e in evidence)
        out.add(json.dumps({**clue, "evidence": items}, sort_keys=True, default=str))
    return out
