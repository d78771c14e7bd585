"""Links a page offers only when the user may open them (the view's own declaration, as
the menu does): ``{% load va_nav %}{% openable "greenhouse-harvest" as url %}{% if url %}…``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from villageaid.core import access

register = template.Library()


@register.simple_tag(takes_context=True)
def openable(context: Any, url_name: str, *args: Any) -> str:
    """The URL of ``url_name`` when the page's user may open it, else ``""``."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    try:
        url = reverse(url_name, args=args or None)
    except NoReverseMatch:
        return ""
    return url if access.may_open(user, url) else ""
