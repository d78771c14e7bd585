"""The navigation menu: entries registered by apps, filtered by the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from villageaid.core import access, roles


@dataclass(frozen=True)
class Entry:
    label: Any
    url_name: str
    module: str
    action: str = roles.VIEW
    order: int = 50


_ENTRIES: list[Entry] = [
    Entry(_("今日待办"), "home", "", order=0),
    Entry(_("行政区划"), "areas", roles.Module.CORE, roles.ADMIN, order=95),
]


def register(entry: Entry) -> None:
    _ENTRIES.append(entry)


def menu_for(user: Any) -> list[dict[str, Any]]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.module and not access.allowed(user, entry.module, entry.action):
            continue
        items.append({"label": entry.label, "url": reverse(entry.url_name), "name": entry.url_name})
    return items
