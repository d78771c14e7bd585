"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.epidemic.models import Checkpoint


def checkpoint_in(area: Any, name: str = "村口卡口") -> Checkpoint:
    return Checkpoint.objects.create(village=area, area_path=area.path, name=name)


def _checkpoints(areas: dict[str, Any]) -> dict[str, Any]:
    own = checkpoint_in(areas["village"])
    other = checkpoint_in(areas["neighbour"])
    return {
        "own": {"checkpoint_id": own.pk},
        "other": {"checkpoint_id": other.pk},
        # a grid worker's area is a grid below the village: a village-level gate is not theirs
        "narrowed": {"grid"},
    }


def _returnees(areas: dict[str, Any]) -> dict[str, Any]:
    from villageaid.epidemic import returnees

    def one(area: Any) -> Any:
        return returnees.returnee_register(
            area=area, name="赵六", origin="武汉", arrived_on=dt.date(2020, 2, 1), actor=None
        )

    return {
        "own": {"pk": one(areas["village"]).pk},
        "other": {"pk": one(areas["neighbour"]).pk},
        # registered at village level, so not in the grid worker's grid
        "narrowed": {"grid"},
    }


SAMPLES = {"epidemic-gate-entry": _checkpoints, "epidemic-returnee": _returnees}
