"""Objects for the URL permission test."""

from __future__ import annotations

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
    }


SAMPLES = {"epidemic-gate-entry": _checkpoints}
