"""What a province (or the nation) delegates to its counties (rule R-POL-1).

A national or provincial version lists in ``data["delegates_to_county"]["value"]`` the keys a
county version may set; a county version's other keys are refused at entry
(:func:`refused_keys`) and ignored by the resolver (:func:`restrict`). Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RULE = "R-POL-1"
INCOME_RANGE = "income_range"  # the yearly ranges (IncomeRange rows), not a ``data`` path
DATA_KEY = "delegates_to_county"

# key -> its path in a version's ``data``
PATHS: dict[str, tuple[str, ...]] = {
    "identification_limit": ("procedure", "identification_limit"),
    "elimination_limit": ("procedure", "elimination_limit"),
    "notice_min_days": ("procedure", "notice_min_days"),
    "rigid_expense": ("rigid_expense",),
    "migrant_share": ("must_visit", "migrant_share"),
    "frequency": ("frequency",),
}
LABELS: dict[str, Any] = {
    INCOME_RANGE: gettext_lazy("收入监测范围"),
    "identification_limit": gettext_lazy("识别办结时限"),
    "elimination_limit": gettext_lazy("风险消除办结时限"),
    "notice_min_days": gettext_lazy("公示最少天数"),
    "rigid_expense": gettext_lazy("刚性支出与收入大幅缩减的判断"),
    "migrant_share": gettext_lazy("务工收入占比"),
    "frequency": gettext_lazy("走访频次"),
}
KEYS = frozenset((INCOME_RANGE, *PATHS))


def is_county(area_code: str) -> bool:
    """Below a province: a non-blank code that is not ``PP0000000000``."""
    return bool(area_code) and area_code != area_code[:2].ljust(12, "0")


def delegated(data: Mapping[str, Any]) -> frozenset[str]:
    """The keys the (merged) national or provincial ``data`` delegates to counties."""
    entry = data.get(DATA_KEY)
    value = entry.get("value") if isinstance(entry, Mapping) else None
    return frozenset(str(k) for k in value or () if str(k) in KEYS)


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _paths(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterable[tuple[str, ...]]:
    """Every leaf-or-known path in ``data`` (a known key's path stops the descent)."""
    known = set(PATHS.values())
    for key, value in data.items():
        path = (*prefix, str(key))
        if path in known or not isinstance(value, Mapping) or not value:
            yield path
        else:
            yield from _paths(value, path)


def _key_of(path: tuple[str, ...]) -> str:
    return next((k for k, p in PATHS.items() if p == path), ".".join(path))


def refused_keys(
    data: Mapping[str, Any], *, allowed: frozenset[str], sets_range: bool
) -> list[str]:
    """The keys of a county version's ``data`` (and its range) the province does not delegate,
    in a stable order; a key outside the known vocabulary is always refused."""
    found = [_key_of(p) for p in _paths(data)]
    if sets_range:
        found.insert(0, INCOME_RANGE)
    return sorted({k for k in found if k not in allowed}, key=found.index)


def restrict(data: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """Only the delegated paths of a county version's ``data``."""
    out: dict[str, Any] = {}
    for key, path in PATHS.items():
        value = _get(data, path)
        if key not in allowed or value is None:
            continue
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return out


def refusal(key: str, version: str) -> str:
    """The refusal naming the key and the rule."""
    return _("%(rule)s：%(version)s未授权县级设定“%(label)s”（%(key)s），以省级版本为准") % {
        "rule": RULE,
        "version": version,
        "label": LABELS.get(key, key),
        "key": key,
    }
