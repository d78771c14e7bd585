"""Audit events: every service write records who did what to which object."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from villageaid.core.bulk import insert_one
from villageaid.core.models import Area, AuditEvent


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


def record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    area: Area | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit event (every service write passes here: no per-call SQL compiling)."""
    return insert_one(
        event(actor=actor, action=action, obj=obj, area=area, before=before, after=after, note=note)
    )
