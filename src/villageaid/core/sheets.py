"""Writing spreadsheet cells that people open in Excel or WPS: every export goes
through :func:`safe_cell` (registry, sales, reports)."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell: text that a spreadsheet program would read as
    a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
