"""Figures as people read them: thousands separators, no trailing zeros, "—" for none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def figure_text(value: Any) -> str:
    """12000 → "12,000"; 98000.25 → "98,000.25"; 83.4 → "83.4"; None → "—"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0")


def axis_text(value: float) -> str:
    """A tick label: whole numbers with separators, 10,000 and above as 万."""
    if abs(value) >= 10_000 and value % 1_000 == 0:
        return f"{value / 10_000:,.1f}万".replace(".0万", "万")
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"
