"""``{% closure_banner %}``: the closed-village banner on every gate page while closed."""

from __future__ import annotations

from typing import Any

from django import template

from villageaid.core import access, roles

register = template.Library()


@register.inclusion_tag("epidemic/_closure_banner.html", takes_context=True)
def closure_banner(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.allowed(user, roles.Module.EPIDEMIC, roles.VIEW):
        return {"closures": []}
    from villageaid.epidemic import selectors

    return {"closures": list(selectors.closures_in_force(user)[:5])}
