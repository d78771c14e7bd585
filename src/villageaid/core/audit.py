"""Audit events: every service write records who did what to which object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec

from django.db.models import Model

from villageaid.core.bulk import insert_one
from villageaid.core.models import Area, AuditEvent

P = ParamSpec("P")


def _actor(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def event(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    area: Area | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """The unsaved event (for a caller that writes it inside a larger statement)."""
    return AuditEvent(
        actor=_actor(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        area=area,
        before=before,
        after=after,
        note=note[:255],
    )


def _written(build: Callable[P, AuditEvent]) -> Callable[P, AuditEvent]:
    def write(*args: P.args, **kwargs: P.kwargs) -> AuditEvent:
        return insert_one(build(*args, **kwargs))

    write.__doc__ = """Write one audit event (every service write passes here, so the INSERT
    is built once, not compiled per call); the arguments are those of :func:`event`."""
    return write


record = _written(event)
