from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu (top sections and the account menu) and the working date's banner."""
    from villageaid.core import clock
    from villageaid.core.navigation import top_and_account

    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    top, account = top_and_account(user, getattr(match, "url_name", "") or "")
    context: dict[str, Any] = {"nav_sections": top, "nav_account": account}
    if user is not None and getattr(user, "is_authenticated", False):
        context["working_date"] = clock.working_date()
        context["working_date_reason"] = clock.reason()
    return context
