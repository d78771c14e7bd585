"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.sales import services
from villageaid.sales.tests.factories import lot_in


def _sessions(areas: dict[str, Any]) -> dict[str, Any]:
    made = {}
    for key in ("village", "neighbour"):
        lot = lot_in(areas[key], jin=10)
        made[key] = services.live_session_open(lot=lot, grams_quota=2500, title="直播", actor=None)
    return {"own": {"pk": made["village"].pk}, "other": {"pk": made["neighbour"].pk}}


def _groups(areas: dict[str, Any]) -> dict[str, Any]:
    made = {
        key: services.group_create(
            village=areas[key],
            actor=None,
            name=f"{key}小区",
            leader="团长",
            pickup_point="便利店",
            lat=37.5,
            lon=122.1,
        )
        for key in ("village", "neighbour")
    }
    return {"own": {"pk": made["village"].pk}, "other": {"pk": made["neighbour"].pk}}


def _runs(areas: dict[str, Any]) -> dict[str, Any]:
    made = {
        key: services.delivery_run_plan(
            village=areas[key],
            date=dt.date(2020, 4, 16),
            depot=(37.19, 122.05),
            vehicles=1,
            capacity_grams=100_000,
            actor=None,
        )
        for key in ("village", "neighbour")
    }
    return {"own": {"pk": made["village"].pk}, "other": {"pk": made["neighbour"].pk}}


def _lots(areas: dict[str, Any]) -> dict[str, Any]:
    made = {key: lot_in(areas[key], jin=10) for key in ("village", "neighbour")}
    return {"own": {"pk": made["village"].pk}, "other": {"pk": made["neighbour"].pk}}


def _public_lots(areas: dict[str, Any]) -> dict[str, Any]:
    made = {key: lot_in(areas[key], jin=10) for key in ("village", "neighbour")}
    return {
        "own": {"token": made["village"].public_token},
        "other": {"token": made["neighbour"].public_token},
    }


SAMPLES = {
    "sales-lot": _lots,
    "sales-lot-label": _lots,
    "sales-lot-public": _public_lots,
    "sales-live": _sessions,
    "sales-live-counter": _sessions,
    "sales-group-verify": _groups,
    "sales-run": _runs,
}
