"""The effective catalogue of one run: the policy's parameters, overrides, and a version hash.

The monitoring line and the policy's rule parameters come from the policy version in force
(``villageaid.policy``): the application passes ``policy_for(area, as_of)``; the engine on
its own (its tests, a CLI run without a database) reads the shipped version files. The
engine holds no line of its own.

Overrides are a plain dict, as the Django side stores them::

    {
        "rules": {"R01": {"enabled": False}, "R05": {"loss_threshold": 20000}},
        "provinces": {"44": {"rules": {...}}},
    }

Province entries are applied after the top level when ``province`` is given. The line is
not an override: a county sets it as a policy version (政策版本).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from villageaid.policy.resolved import Policy
from villageaid.policy.shipped import shipped_policy_for
from villageaid.screening.engine.ruledef import CatalogueError, RuleDef, Window
from villageaid.screening.engine.rules import RULES

ENGINE_SQL_VERSION = "1"
_TOP_KEYS = {"rules", "provinces"}


@dataclass(frozen=True)
class Catalogue:
    window: Window
    province: str | None
    monitoring_line: Decimal
    rules: tuple[RuleDef, ...]
    params: Mapping[str, Mapping[str, Any]]
    enabled: Mapping[str, bool]
    version: str
    policy: str = ""  # the policy version the line and parameters came from

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
        return {
            **_describe(self.monitoring_line, self.rules, self.params, self.enabled),
            "policy": self.policy,
        }


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


def build_catalogue(
    *,
    as_of: dt.date,
    overrides: Mapping[str, Any] | None = None,
    province: str | None = None,
    policy: Policy | None = None,
) -> Catalogue:
    """Validate ``overrides`` and resolve every rule's parameters for this run: rule
    defaults, then the policy version's parameters, then the overrides. A parameter with
    no default (the yuan thresholds) must come from the policy version."""
    if policy is None:
        policy = shipped_policy_for(province, as_of)
    params = {r.code: {p.name: p.default for p in r.all_params()} for r in RULES}
    enabled = {r.code: r.enabled for r in RULES}
    line = policy.line(as_of.year)
    by_code = {r.code: r for r in RULES}
    for code, settings in policy.screening_rules.items():
        if code not in by_code:
            raise CatalogueError(f"policy {policy.code}: unknown rule {code!r}")
        _rule_override(by_code[code], settings, params[code], enabled)
    layers = [overrides or {}]
    provinces = (overrides or {}).get("provinces", {})
    if not isinstance(provinces, Mapping):
        raise CatalogueError("provinces: expected a mapping of province code to overrides")
    if province is not None and province in provinces:
        layers.append(provinces[province])
    for depth, layer in enumerate(layers):
        _apply_layer(layer, params, enabled, nested=depth > 0)
    missing = [f"{c}.{n}" for c, values in params.items() for n, v in values.items() if v is None]
    if missing:
        raise CatalogueError(f"policy {policy.code}: no value for {', '.join(missing)}")
    described = {**_describe(line, RULES, params, enabled), "policy": policy.code}
    version = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]
    return Catalogue(Window(as_of), province, line, RULES, params, enabled, version, policy.code)


def _apply_layer(
    layer: Any,
    params: dict[str, dict[str, Any]],
    enabled: dict[str, bool],
    *,
    nested: bool,
) -> None:
    if not isinstance(layer, Mapping):
        raise CatalogueError("overrides: expected a mapping")
    if "monitoring_line" in layer:
        raise CatalogueError(
            "monitoring_line: the line is policy data; set it as a policy version (政策版本)"
        )
    unknown = set(layer) - _TOP_KEYS - ({"provinces"} if not nested else set())
    if nested and "provinces" in layer:
        unknown.add("provinces")
    if unknown:
        raise CatalogueError(f"overrides: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    rules = layer.get("rules", {})
    if not isinstance(rules, Mapping):
        raise CatalogueError("rules: expected a mapping of rule code to settings")
    by_code = {r.code: r for r in RULES}
    for code, settings in rules.items():
        if code not in by_code:
            raise CatalogueError(f"rules: unknown rule {code!r}")
        _rule_override(by_code[code], settings, params[code], enabled)


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
