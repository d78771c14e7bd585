"""What every sales service module shares: the module's role check and its errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from villageaid.core import access, roles
from villageaid.core.errors import Conflict, NotFound

MODULE = roles.Module.SALES
LIVESTREAM = "livestream"
COMMUNITY = "community"


def require_edit(actor: Any, area_path: str) -> None:
    """The service's own check of the actor's role and area (the views check first);
    ``None`` is the system itself (a command, a job, the demo)."""
    if actor is not None:
        access.check_row(actor, MODULE, roles.EDIT, area_path)


def sold_out() -> Conflict:
    return Conflict(str(_("库存或渠道配额不足，已售罄")), code="sold_out")


def lot_not_found() -> NotFound:
    return NotFound(str(_("没有这个批次")), code="lot_not_found")
