"""Helpers shared by rule modules."""

from __future__ import annotations

from decimal import Decimal

from villageaid.screening.engine.ruledef import Param

MAX_MONEY = Decimal(1_000_000_000)


def money(name: str, default: int | None = None) -> Param:
    """A yuan amount; without ``default`` the policy version must give it
    (``data.screening.rules``, policy/data/)."""
    value = None if default is None else Decimal(default)
    return Param(name, "decimal", value, minimum=Decimal(0), maximum=MAX_MONEY)


def age(name: str, default: int) -> Param:
    return Param(name, "int", default, minimum=0, maximum=150)


def num(value: Decimal | int) -> str:
    """A parameter as an SQL numeric literal."""
    return format(Decimal(value), "f")


def between(value: int | None, low: int, high: int) -> bool:
    return value is not None and low <= value <= high


def has_risk_sql(column: str, risk: str) -> str:
    return f"COALESCE((';' || REPLACE({column}, ' ', '') || ';') LIKE '%;{risk};%', FALSE)"


def has_risk(risk_types: str | None, risk: str) -> bool:
    return risk in {part.strip() for part in (risk_types or "").split(";")}
