"""``policy_for(area, date)``: the one place every app asks for a policy value.

All versions and ranges are read in two queries into an in-process snapshot, kept for
``TTL`` seconds and dropped at once when a version or range is saved or deleted in this
process (the TTL bounds how long another worker process can lag behind an admin's change).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from villageaid.policy.resolved import Policy, Range, build

TTL = 60.0
_lock = threading.Lock()
_state: dict[str, Any] = {"snapshot": None, "at": 0.0}


@dataclass(frozen=True)
class _Snapshot:
    versions: Mapping[str, Mapping[str, Any]]  # code -> row dict (with "base" code)
    ranges: Mapping[str, list[Range]]
    built: dict[str, Policy]


def invalidate(**_kwargs: Any) -> None:
    with _lock:
        _state["snapshot"] = None


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save

    from villageaid.policy.models import IncomeRange, PolicyVersion

    for model in (PolicyVersion, IncomeRange):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"policy-{model.__name__}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"policy-{model.__name__}-del")


def _load() -> _Snapshot:
    from villageaid.policy.models import IncomeRange, PolicyVersion

    versions = {
        v["code"]: v
        for v in PolicyVersion.objects.values(
            "code", "name", "area_code", "effective_from", "effective_to", "data", "base__code"
        )
    }
    if not versions:  # tables emptied (a flushed test database): the shipped files
        return _shipped_snapshot()
    ranges: dict[str, list[Range]] = {}
    for r in IncomeRange.objects.select_related("version"):
        ranges.setdefault(r.version.code, []).append(
            Range(
                year=r.year,
                line=r.line,
                basis=r.basis,
                income_concept=r.income_concept,
                confirmed=r.confirmed,
                source=r.source,
                version=r.version.code,
                multiple=r.multiple,
                base_line=r.base_line,
            )
        )
    return _Snapshot(versions, ranges, {})


def _shipped_snapshot() -> _Snapshot:
    from villageaid.policy import shipped

    versions = {
        d["id"]: {**shipped.as_version(d), "base__code": d["base"]} for d in shipped.documents()
    }
    ranges = {
        d["id"]: [shipped.range_from(r, d["id"]) for r in d["ranges"]] for d in shipped.documents()
    }
    return _Snapshot(versions, ranges, {})


def _snapshot() -> _Snapshot:
    with _lock:
        snap = _state["snapshot"]
        if snap is None or time.monotonic() - _state["at"] > TTL:
            snap = _load()
            _state["snapshot"], _state["at"] = snap, time.monotonic()
        return snap


class NoPolicy(LookupError):
    """No version is in the tables (the data migration did not run)."""


def policy_for_version(code: str) -> Policy:
    """The policy of one version with its bases (a case keeps the version it was opened under)."""
    snap = _snapshot()
    if code not in snap.built:
        if code not in snap.versions:
            raise NoPolicy(code)
        chain = [snap.versions[code]]
        while chain[0]["base__code"]:
            chain.insert(0, snap.versions[chain[0]["base__code"]])
        snap.built[code] = build(chain, [snap.ranges.get(v["code"], []) for v in chain])
    return snap.built[code]


def area_codes(area: Any) -> list[str]:
    """The area codes from the province down: an ``Area``, an area path, a code, or a
    province prefix (``"37"``)."""
    if area is None:
        return []
    path = getattr(area, "path", None) or (area if str(area).startswith("/") else "")
    if path:
        return [c for c in str(path).split("/") if c]
    code = str(area)
    province = code[:2].ljust(12, "0")
    return [province] if len(code) <= 2 or code == province else [province, code.ljust(12, "0")]


def version_code_for(area: Any, on: dt.date) -> str:
    snap = _snapshot()
    if not snap.versions:
        raise NoPolicy("no policy versions")
    codes = area_codes(area)
    depth = {"": -1, **{c: n for n, c in enumerate(codes)}}
    in_force = [
        v
        for v in snap.versions.values()
        if v["area_code"] in depth
        and v["effective_from"] <= on
        and (v["effective_to"] is None or on <= v["effective_to"])
    ]
    if not in_force:  # before the first version: the earliest national one
        national = [v for v in snap.versions.values() if not v["area_code"]]
        return str(min(national, key=lambda v: v["effective_from"])["code"])
    best = max(in_force, key=lambda v: (depth[v["area_code"]], v["effective_from"], v["code"]))
    return str(best["code"])


def policy_for(area: Any, on: dt.date) -> Policy:
    """The policy in force for ``area`` on ``on``: the most specific version (county, then
    province, then national) whose period holds the date, merged over its bases."""
    return policy_for_version(version_code_for(area, on))
