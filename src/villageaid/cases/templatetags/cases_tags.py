"""``{% load cases_tags %}{% household_cases household %}`` on the household card."""

from __future__ import annotations

from typing import Any

from django import template

from villageaid.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_household_cases.html")
def household_cases(household: Any) -> dict[str, Any]:
    return {"cases": selectors.household_cases(household)}
