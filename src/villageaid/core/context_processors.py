from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from villageaid.core.navigation import menu_for

    return {"nav_items": menu_for(getattr(request, "user", None))}
