"""Weights on pages: grams shown in 斤 (or 两 for small dried amounts), through core.units."""

from __future__ import annotations

from decimal import Decimal

from django import template

from villageaid.core import units

register = template.Library()


@register.filter
def jin(grams: int | None) -> Decimal:
    return units.jin(grams)


@register.filter
def weight(grams: int | None, dried: bool = False) -> str:
    """ "12.5 斤", or "3.5 两" under a jin when the goods are dried."""
    return units.weight_label(grams, small_in_liang=bool(dried))
