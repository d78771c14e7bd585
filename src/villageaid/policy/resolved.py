"""A resolved policy: one version's data merged over its bases, read through typed accessors.

Pure Python (no database): built by :mod:`villageaid.policy.resolver` from the tables, or by
:mod:`villageaid.policy.shipped` straight from the data files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from villageaid.policy import delegation

CALENDAR, WORKING = "calendar", "working"


@dataclass(frozen=True)
class Range:
    year: int
    line: Decimal
    basis: str
    income_concept: str
    confirmed: bool
    source: str
    version: str
    multiple: Decimal | None = None
    base_line: Decimal | None = None
    from_year: int | None = None  # set when the year has no range and an earlier one applies


@dataclass(frozen=True)
class Limit:
    days: int | None
    kind: str
    source: str
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    household_types: tuple[str, ...]
    income: str  # within | above | within_or_rigid
    registry_code: str
    source: str
    why: str = ""


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    kind: str  # development | guarantee | assistance | social | other
    field: str
    risk_types: tuple[str, ...]
    source: str
    confirmed: bool
    employment: bool = False
    note: str = ""


@dataclass(frozen=True)
class StepSpec:
    """One step of a version's procedure: a ProcedureStep code, its deciding role, its limit."""

    code: str
    label: str
    role: str
    also_roles: str
    days: int | None
    confirmed: bool
    source: str


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    order: int


def merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Dictionaries merge key by key; anything else (lists included) is replaced whole."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    chain: tuple[str, ...]
    effective_from: dt.date
    effective_to: dt.date | None
    data: Mapping[str, Any]
    ranges: Mapping[int, Range]
    area_code: str = ""
    _measures: dict[str, Measure] = field(default_factory=dict, compare=False, repr=False)

    # --- generic ------------------------------------------------------------------------

    def entry(self, *path: str) -> Mapping[str, Any]:
        node: Any = self.data
        for key in path:
            node = node.get(key, {}) if isinstance(node, Mapping) else {}
        return node if isinstance(node, Mapping) else {}

    def value(self, *path: str, default: Any = None) -> Any:
        return self.entry(*path).get("value", default)

    def source(self, *path: str) -> str:
        return str(self.entry(*path).get("src", ""))

    def confirmed(self, *path: str) -> bool:
        return bool(self.entry(*path).get("confirmed", False))

    @property
    def object_name(self) -> str:
        return str(self.value("object_name", default="监测对象"))

    # --- income range ---------------------------------------------------------------------

    def range(self, year: int) -> Range:
        if year in self.ranges:
            return self.ranges[year]
        earlier = [y for y in self.ranges if y < year]
        chosen = max(earlier) if earlier else min(self.ranges)
        found = self.ranges[chosen]
        return Range(**{**found.__dict__, "year": year, "from_year": chosen})

    def line(self, year: int) -> Decimal:
        return self.range(year).line

    # --- categories -------------------------------------------------------------------------

    @property
    def categories(self) -> list[Category]:
        labels = self.value("category_labels", default={}) or {}
        return [
            Category(
                code=c["code"],
                label=labels.get(c["code"], c["label"]),
                household_types=tuple(c["household_types"]),
                income=c["income"],
                registry_code=c.get("registry_code", c["code"]),
                source=c.get("src", ""),
                why=c.get("why", ""),
            )
            for c in self.data.get("categories", [])
        ]

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def category_label(self, code: str) -> str:
        found = self.category(code)
        return found.label if found else code

    @property
    def category_choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.categories]

    @property
    def rigid_expense_test(self) -> str:
        return str(self.value("rigid_expense", default="after_deduction"))

    @property
    def sharp_fall_share(self) -> Decimal:
        return Decimal(str(self.entry("rigid_expense").get("sharp_fall_share", "0.3")))

    # --- procedure --------------------------------------------------------------------------

    def _limit(self, key: str) -> Limit:
        raw = self.entry("procedure", key)
        days = raw.get("days")
        return Limit(
            days=int(days) if days is not None else None,
            kind=str(raw.get("kind", CALENDAR)),
            source=str(raw.get("src", "")),
            confirmed=bool(raw.get("confirmed", False)),
            note=str(raw.get("note", "")),
        )

    @property
    def identification_limit(self) -> Limit:
        return self._limit("identification_limit")

    @property
    def elimination_limit(self) -> Limit:
        limit = self._limit("elimination_limit")
        return limit if limit.days is not None else self.identification_limit

    @property
    def notice_min_days(self) -> int | None:
        value = self.value("procedure", "notice_min_days")
        return int(value) if value is not None else None

    @property
    def steps(self) -> list[str]:
        return list(self.value("procedure", "steps", default=[]) or [])

    def step_list(self, kind: str) -> list[StepSpec] | None:
        """The ordered steps this version prescribes for ``kind`` (identification or
        elimination); None where it defers to the province's configured procedure."""
        items = (self.value("procedure", "step_list", default=None) or {}).get(kind)
        if not items:
            return None
        return [
            StepSpec(
                code=str(i["code"]),
                label=str(i["label"]),
                role=str(i["role"]),
                also_roles=str(i.get("also_roles", "")),
                days=int(i["days"]) if i.get("days") is not None else None,
                confirmed=bool(i.get("confirmed", False)),
                source=str(i.get("src", "")),
            )
            for i in items
        ]

    # --- elimination ----------------------------------------------------------------------

    def elimination(self, key: str, default: Any = None) -> Any:
        return self.value("elimination", key, default=default)

    @property
    def elimination_modes(self) -> list[str]:
        return list(self.elimination("modes", []) or [])

    @property
    def stability_days(self) -> int:
        return int(self.elimination("stability_days", 182))

    # --- measures ----------------------------------------------------------------------------

    @property
    def measures(self) -> dict[str, Measure]:
        if not self._measures:
            for m in self.entry("measures").get("items", []):
                self._measures[m["code"]] = Measure(
                    code=m["code"],
                    label=m["label"],
                    kind=m["kind"],
                    field=m.get("field", ""),
                    risk_types=tuple(m.get("risk_types", ())),
                    source=m.get("src", ""),
                    confirmed=bool(m.get("confirmed", False)),
                    employment=bool(m.get("employment", False)),
                    note=m.get("note", ""),
                )
        return self._measures

    def measures_for_risk(self, risk: str) -> list[Measure]:
        return [m for m in self.measures.values() if risk in m.risk_types]

    def measure_rule(self, key: str) -> bool:
        return bool(self.value("measure_rules", key, default=True))

    # --- visits and screening --------------------------------------------------------------

    @property
    def must_visit(self) -> list[Group]:
        groups = self.entry("must_visit").get("groups", [])
        return sorted((Group(g["code"], g["label"], int(g["order"])) for g in groups), key=_order)

    @property
    def migrant_share(self) -> Decimal:
        return Decimal(str(self.value("must_visit", "migrant_share", default="0.5")))

    @property
    def frequency(self) -> Mapping[str, int]:
        return self.value("frequency", default={}) or {}

    @property
    def screening_rules(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.entry("screening").get("rules", {}).items()}

    @property
    def delegates_to_county(self) -> frozenset[str]:
        return delegation.delegated(self.data)

    @property
    def joint_identification(self) -> Sequence[str]:
        return list(self.value("joint_identification", default=[]) or [])

    def describe(self) -> dict[str, Any]:
        """A short summary for pages and audit lines."""
        return {
            "code": self.code,
            "chain": list(self.chain),
            "object_name": self.object_name,
            "categories": [c.label for c in self.categories],
        }


def _order(group: Group) -> int:
    return group.order


def _delegated_part(
    version: Mapping[str, Any], its_ranges: Sequence[Range], below: Mapping[str, Any]
) -> tuple[Mapping[str, Any], Sequence[Range]]:
    """A county version counts only for what the versions below it delegate (R-POL-1)."""
    if not delegation.is_county(str(version.get("area_code") or "")):
        return version["data"], its_ranges
    allowed = delegation.delegated(below)
    kept = its_ranges if delegation.INCOME_RANGE in allowed else ()
    return delegation.restrict(version["data"], allowed), kept


def build(versions: Sequence[Mapping[str, Any]], ranges: Sequence[Sequence[Range]]) -> Policy:
    """``versions`` from the most general to the most specific (each a dict with ``code``,
    ``name``, ``effective_from``, ``effective_to``, ``area_code`` and ``data``)."""
    data: dict[str, Any] = {}
    merged: dict[int, Range] = {}
    for version, its_ranges in zip(versions, ranges, strict=True):
        overlay, its_ranges = _delegated_part(version, its_ranges, data)
        data = merge(data, overlay)
        merged.update({r.year: r for r in its_ranges})
    last = versions[-1]
    return Policy(
        code=last["code"],
        name=last["name"],
        chain=tuple(v["code"] for v in versions),
        effective_from=last["effective_from"],
        effective_to=last["effective_to"],
        data=data,
        ranges=merged,
        area_code=last.get("area_code", ""),
    )
