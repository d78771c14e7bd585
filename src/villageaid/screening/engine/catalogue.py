"""The effective catalogue of one run: defaults, overrides, and a version hash.

Overrides are a plain dict, as the Django side stores them::

    {
        "monitoring_line": {"2025": 8700},
        "rules": {"R01": {"enabled": False}, "R05": {"loss_threshold": 20000}},
        "provinces": {"44": {"monitoring_line": {...}, "rules": {...}}},
    }

Province entries are applied after the top level when ``province`` is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from villageaid.screening.engine.ruledef import CatalogueError, RuleDef, Window
from villageaid.screening.engine.rules import RULES

ENGINE_SQL_VERSION = "1"
MONITORING_LINE_DEFAULTS: dict[int, Decimal] = {
    2020: Decimal(6000),
    2021: Decimal(6000),
    2022: Decimal(6500),
    2023: Decimal(7500),
    2024: Decimal(8500),
    2025: Decimal(8700),
    2026: Decimal(9000),
}
_TOP_KEYS = {"monitoring_line", "rules", "provinces"}


@dataclass(frozen=True)
class Catalogue:
    window: Window
    province: str | None
    monitoring_line: Decimal
    rules: tuple[RuleDef, ...]
    params: Mapping[str, Mapping[str, Any]]
    enabled: Mapping[str, bool]
    version: str

    def runnable(self, present: set[str]) -> list[tuple[RuleDef, dict[str, Any]]]:
        """Enabled rules whose datasets are all present, in catalogue order."""
        return [
            (rule, dict(self.params[rule.code]))
            for rule in self.rules
            if self.enabled[rule.code] and set(rule.datasets) <= present
        ]

    def skipped(self, present: set[str]) -> dict[str, str]:
        """Enabled rules that cannot run, with the reason."""
        return {
            rule.code: "missing dataset " + ", ".join(sorted(set(rule.datasets) - present))
            for rule in self.rules
            if self.enabled[rule.code] and not set(rule.datasets) <= present
        }

    def describe(self) -> dict[str, Any]:
        return _describe(self.monitoring_line, self.rules, self.params, self.enabled)


def _describe(
    line: Decimal,
    rules: tuple[RuleDef, ...],
    params: Mapping[str, Mapping[str, Any]],
    enabled: Mapping[str, bool],
) -> dict[str, Any]:
    return {
        "engine_sql_version": ENGINE_SQL_VERSION,
        "monitoring_line": str(line),
        "rules": [
            {
                "code": r.code,
                "kind": r.kind,
                "risk_type": r.risk_type,
                "datasets": list(r.datasets),
                "enabled": enabled[r.code],
                "params": {k: str(v) for k, v in sorted(params[r.code].items())},
            }
            for r in rules
        ],
    }


def default_monitoring_line(year: int) -> Decimal:
    """The shipped line for ``year``; the nearest earlier (or first) year when not listed."""
    known = sorted(MONITORING_LINE_DEFAULTS)
    earlier = [y for y in known if y <= year]
    return MONITORING_LINE_DEFAULTS[earlier[-1] if earlier else known[0]]


def build_catalogue(
    *,
    as_of: dt.date,
    overrides: Mapping[str, Any] | None = None,
    province: str | None = None,
) -> Catalogue:
    """Validate ``overrides`` and resolve every rule's parameters for this run."""
    params = {r.code: {p.name: p.default for p in r.all_params()} for r in RULES}
    enabled = {r.code: r.enabled for r in RULES}
    line = default_monitoring_line(as_of.year)
    layers = [overrides or {}]
    provinces = (overrides or {}).get("provinces", {})
    if not isinstance(provinces, Mapping):
        raise CatalogueError("provinces: expected a mapping of province code to overrides")
    if province is not None and province in provinces:
        layers.append(provinces[province])
    for depth, layer in enumerate(layers):
        line = _apply_layer(layer, params, enabled, line, as_of.year, nested=depth > 0)
    version = hashlib.sha256(
        json.dumps(_describe(line, RULES, params, enabled), sort_keys=True).encode()
    ).hexdigest()[:16]
    return Catalogue(Window(as_of), province, line, RULES, params, enabled, version)


def _apply_layer(
    layer: Any,
    params: dict[str, dict[str, Any]],
    enabled: dict[str, bool],
    line: Decimal,
    year: int,
    *,
    nested: bool,
) -> Decimal:
    if not isinstance(layer, Mapping):
        raise CatalogueError("overrides: expected a mapping")
    unknown = set(layer) - _TOP_KEYS - ({"provinces"} if not nested else set())
    if nested and "provinces" in layer:
        unknown.add("provinces")
    if unknown:
        raise CatalogueError(f"overrides: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    line = _line_override(layer.get("monitoring_line", {}), line, year)
    rules = layer.get("rules", {})
    if not isinstance(rules, Mapping):
        raise CatalogueError("rules: expected a mapping of rule code to settings")
    by_code = {r.code: r for r in RULES}
    for code, settings in rules.items():
        if code not in by_code:
            raise CatalogueError(f"rules: unknown rule {code!r}")
        _rule_override(by_code[code], settings, params[code], enabled)
    return line


def _line_override(lines: Any, line: Decimal, year: int) -> Decimal:
    if not isinstance(lines, Mapping):
        raise CatalogueError("monitoring_line: expected a mapping of year to yuan")
    for key, value in lines.items():
        if not str(key).isdigit() or not 2000 <= int(key) <= 2100:
            raise CatalogueError(f"monitoring_line: {key!r} is not a year")
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise CatalogueError(f"monitoring_line.{key}: expected a number")
        try:
            amount = Decimal(str(value))
        except ArithmeticError as exc:
            raise CatalogueError(f"monitoring_line.{key}: {value!r} is not a number") from exc
        if not amount.is_finite() or not 0 < amount <= 1_000_000:
            raise CatalogueError(f"monitoring_line.{key}: {value!r} outside 0–1000000")
        if int(key) == year:
            line = amount
    return line


def _rule_override(
    rule: RuleDef, settings: Any, params: dict[str, Any], enabled: dict[str, bool]
) -> None:
    if not isinstance(settings, Mapping):
        raise CatalogueError(f"{rule.code}: expected a mapping of parameter to value")
    specs = {p.name: p for p in rule.all_params()}
    for name, value in settings.items():
        if name == "enabled":
            if not isinstance(value, bool):
                raise CatalogueError(f"{rule.code}.enabled: expected true or false")
            enabled[rule.code] = value
        elif name in specs:
            params[name] = specs[name].coerce(rule.code, value)
        else:
            raise CatalogueError(f"{rule.code}: unknown parameter {name!r}")
    _check_ranges(rule, params)


def _check_ranges(rule: RuleDef, params: dict[str, Any]) -> None:
    for low, high in (("min_age", "max_age"),):
        if low in params and high in params and params[low] > params[high]:
            raise CatalogueError(f"{rule.code}: {low} is above {high}")
