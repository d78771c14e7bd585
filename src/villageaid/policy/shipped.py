"""The shipped versions in ``data/*.json``: read, checked, and loaded into the tables.

The files are the source of truth for what ships; the tables (filled by the data migration
``0002_shipped_versions`` and refreshed by ``villageaid policy-load``) are what the resolver
reads, so an administrator's version added in the admin pages counts without a code change.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from villageaid.policy.resolved import Policy, Range, build

DATA_DIR = Path(__file__).resolve().parent / "data"
REQUIRED = ("id", "name", "area_code", "base", "effective_from", "effective_to", "ranges", "data")


class PolicyDataError(ValueError):
    """A shipped data file that does not fit the schema."""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@functools.cache
def documents() -> tuple[Mapping[str, Any], ...]:
    """Every shipped version file, bases before the versions that overlay them."""
    found = []
    for path in sorted(DATA_DIR.glob("*.json")):
        if path.name == "sources.json":
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        missing = [k for k in REQUIRED if k not in doc]
        if missing:
            raise PolicyDataError(f"{path.name}: missing {', '.join(missing)}")
        found.append(doc)
    by_id = {d["id"]: d for d in found}
    ordered: list[Mapping[str, Any]] = []

    def visit(doc: Mapping[str, Any]) -> None:
        if doc in ordered:
            return
        if doc["base"]:
            if doc["base"] not in by_id:
                raise PolicyDataError(f"{doc['id']}: unknown base {doc['base']}")
            visit(by_id[doc["base"]])
        ordered.append(doc)

    for doc in found:
        visit(doc)
    return tuple(ordered)


@functools.cache
def sources() -> Mapping[str, str]:
    text = (DATA_DIR / "sources.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def range_from(raw: Mapping[str, Any], version: str) -> Range:
    def dec(key: str) -> Decimal | None:
        return Decimal(str(raw[key])) if raw.get(key) not in (None, "") else None

    line = dec("line")
    if line is None:
        raise PolicyDataError(f"{version} {raw.get('year')}: a range needs a line")
    return Range(
        year=int(raw["year"]),
        line=line,
        basis=str(raw.get("basis", "fixed_yuan")),
        income_concept=str(raw.get("income_concept", "net")),
        confirmed=bool(raw.get("confirmed", False)),
        source=str(raw.get("src", "")),
        version=version,
        multiple=dec("multiple"),
        base_line=dec("base_line"),
    )


def as_version(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": doc["id"],
        "name": doc["name"],
        "area_code": doc["area_code"],
        "effective_from": _date(doc["effective_from"]),
        "effective_to": _date(doc["effective_to"]),
        "data": doc["data"],
    }


def _chain(doc_id: str) -> list[Mapping[str, Any]]:
    by_id = {d["id"]: d for d in documents()}
    chain = [by_id[doc_id]]
    while chain[0]["base"]:
        chain.insert(0, by_id[chain[0]["base"]])
    return chain


def shipped_policy(doc_id: str) -> Policy:
    chain = _chain(doc_id)
    return build(
        [as_version(d) for d in chain],
        [[range_from(r, d["id"]) for r in d["ranges"]] for d in chain],
    )


def _in_force(doc: Mapping[str, Any], on: dt.date) -> bool:
    start, end = _date(doc["effective_from"]), _date(doc["effective_to"])
    return start is not None and start <= on and (end is None or on <= end)


def shipped_policy_for(province: str | None, on: dt.date) -> Policy:
    """The shipped policy without the database (the screening engine on its own, e.g. its
    tests and the CLI without a configured database): national, then the province's
    overlay. Inside the application the resolver's ``policy_for`` is used instead."""
    docs = documents()
    code = (province or "")[:2].ljust(12, "0") if province else ""
    candidates = [d for d in docs if _in_force(d, on) and d["area_code"] in ("", code)]
    if not candidates:
        candidates = [min(docs, key=lambda d: d["effective_from"])]
    best = max(candidates, key=lambda d: (bool(d["area_code"]), d["effective_from"]))
    return shipped_policy(best["id"])


def load(version_model: Any, range_model: Any, *, only: Iterable[str] | None = None) -> int:
    """Create or refresh the shipped versions in the tables (models passed in, so a data
    migration can hand in ``apps.get_model``). Versions an administrator made are left alone."""
    count = 0
    wanted = set(only) if only is not None else None
    for doc in documents():
        if wanted is not None and doc["id"] not in wanted:
            continue
        base = version_model.objects.get(code=doc["base"]) if doc["base"] else None
        row, _ = version_model.objects.update_or_create(
            code=doc["id"],
            defaults={
                "name": doc["name"],
                "area_code": doc["area_code"],
                "base": base,
                "effective_from": _date(doc["effective_from"]),
                "effective_to": _date(doc["effective_to"]),
                "data": doc["data"],
                "shipped": True,
            },
        )
        for raw in doc["ranges"]:
            r = range_from(raw, doc["id"])
            range_model.objects.update_or_create(
                version=row,
                year=r.year,
                defaults={
                    "line": r.line,
                    "basis": r.basis,
                    "multiple": r.multiple,
                    "base_line": r.base_line,
                    "income_concept": r.income_concept,
                    "confirmed": r.confirmed,
                    "source": r.source[:500],
                },
            )
        count += 1
    return count


def all_measure_choices() -> list[tuple[str, str]]:
    """Every measure code of every shipped version with its latest label."""
    found: dict[str, str] = {}
    for doc in documents():
        for item in doc["data"].get("measures", {}).get("items", []):
            found[item["code"]] = item["label"]
    return list(found.items())
