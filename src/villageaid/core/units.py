"""The one place for weight conversions. Stock, harvests and orders are integer
grams in the database (no float drift); people read and type 斤 (and 两 where the
trade weighs small amounts, e.g. dried morels). 1 斤 = 10 两 = 500 克, 1 公斤 = 2 斤.

Every module converts through here; no other file writes 500 for a jin."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GRAMS_PER_JIN = 500
GRAMS_PER_LIANG = 50
GRAMS_PER_KG = 1000
_JIN_PLACES = Decimal("0.01")
_LIANG_PLACES = Decimal("0.1")


class UnitError(ValueError):
    """A quantity that is not a positive, finite weight."""


def jin(grams: int | None) -> Decimal:
    """Grams shown in 斤, two places (1234 g -> 2.47)."""
    return (Decimal(grams or 0) / GRAMS_PER_JIN).quantize(_JIN_PLACES, rounding=ROUND_HALF_UP)


def liang(grams: int | None) -> Decimal:
    """Grams shown in 两, one place (75 g -> 1.5)."""
    return (Decimal(grams or 0) / GRAMS_PER_LIANG).quantize(_LIANG_PLACES, rounding=ROUND_HALF_UP)


def kg(grams: int | None) -> Decimal:
    return (Decimal(grams or 0) / GRAMS_PER_KG).quantize(Decimal("0.001"))


def _decimal(value: Decimal | int | str | float) -> Decimal:
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise UnitError(value) from None
    if not number.is_finite():
        raise UnitError(value)
    return number


def grams_from(
    value: Decimal | int | str | float, unit: str = "jin", *, exact: bool = False
) -> int:
    """A typed quantity in ``unit`` (jin, liang, kg, g) as integer grams, rounded half up;
    with ``exact`` a quantity finer than a gram is refused (the API's 1.0005 jin)."""
    per = {"jin": GRAMS_PER_JIN, "liang": GRAMS_PER_LIANG, "kg": GRAMS_PER_KG, "g": 1}[unit]
    grams = _decimal(value) * per
    if exact and grams != grams.to_integral_value():
        raise UnitError(value)
    return int(grams.to_integral_value(rounding=ROUND_HALF_UP))


def grams_from_jin(value: Decimal | int | str | float, *, exact: bool = False) -> int:
    return grams_from(value, "jin", exact=exact)


def amount(grams: int, price_per_jin: Decimal) -> Decimal:
    """What ``grams`` cost at ``price_per_jin`` yuan, to the fen."""
    return (price_per_jin * grams / GRAMS_PER_JIN).quantize(Decimal("0.01"), ROUND_HALF_UP)


def price_per_jin(amount_yuan: Decimal, grams: int) -> Decimal:
    """The price per jin an amount paid for ``grams`` works out at."""
    return (amount_yuan * GRAMS_PER_JIN / grams).quantize(Decimal("0.01"))


def weight_label(grams: int | None, *, small_in_liang: bool = False) -> str:
    """How a weight reads on a page: "12.5 斤", or "3.5 两" under a jin when the trade
    weighs in liang (dried goods)."""
    grams = grams or 0
    if small_in_liang and 0 < grams < GRAMS_PER_JIN:
        return f"{liang(grams).normalize():f} 两"
    return f"{jin(grams).normalize():f} 斤"
