"""Names on pages (registry.names): ``{% load names %}``

* ``{% household_label household %}`` — 张三户（二组） with the code as small secondary text
  (``<small class="hh-code">``, the only place a household code is shown beside a name);
* ``{{ household|household_name }}`` — the name alone (options, titles);
* ``{{ person|person_name:request.user }}`` — the name, masked for a role that may not see it;
* ``{{ user|user_name }}`` — a user's display name;
* ``{{ value|zh:"table" }}`` — the Chinese label of a code from one of the display tables in
  :mod:`villageaid.registry.display` (risk types, clue severity, datasets, sensors ...).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from villageaid.registry import display, names

register = template.Library()


@register.simple_tag
def household_label(household: Any, code: bool = True) -> str:
    if household is None:
        return "—"
    if not code:
        return format_html('<span class="hh-name">{}</span>', names.household_name(household))
    return format_html(
        '<span class="hh-name">{}</span> <small class="hh-code text-muted">{}</small>',
        names.household_name(household),
        household.code,
    )


@register.filter
def household_name(household: Any) -> str:
    return names.household_name(household) if household is not None else "—"


@register.filter
def person_name(person: Any, user: Any = None) -> str:
    return names.person_name(person, user)


@register.filter
def user_name(user: Any) -> str:
    return names.user_name(user)


@register.filter
def zh(value: Any, table: str) -> str:
    return display.label(table, value)
