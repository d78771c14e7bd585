"""The bounds of every numeric and dated input, in one place (issue 18, findings 6, 14).

A :class:`Bound` is a domain range (an income, a weight, a body temperature) checked
against the column that stores it: ``Bound.decimal(max_digits, places, ...)`` refuses at
import time a range the column could not hold, so a value that passes the bound is always
storable (SQLite stores anything and then fails to read it back). Forms take
``bound.form_field()``, API schemas the ``Annotated`` types below (``ApiId``, ``JinIn``…),
models ``bound.validators()``, and services ``bound.check(value)`` (so imports are checked
too). Dates: ``PAST_DATE`` and friends refuse the future where a date records something
that has happened (a birth, a harvest, a visit, a passage at the gate).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field

from villageaid.core.errors import ServiceError

# Column limits of the integer types Django maps to (PostgreSQL's, which SQLite does not enforce).
POSITIVE_INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
# Tolerance for a device or browser clock a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)
EARLIEST = dt.date(1900, 1, 1)


def column_max(max_digits: int, places: int) -> Decimal:
    """The largest value a ``DecimalField(max_digits, decimal_places=places)`` holds."""
    return Decimal(10) ** (max_digits - places) - Decimal(10) ** -places


@dataclass(frozen=True)
class Bound:
    """A closed range ``[low, high]`` with ``places`` decimal places (0: a whole number)."""

    name: Any  # a lazy translation: what the messages and form labels call it
    low: Decimal
    high: Decimal
    places: int = 0
    max_digits: int | None = None  # the column's, for a decimal column

    @classmethod
    def decimal(
        cls, name: Any, *, max_digits: int, places: int, low: str | int, high: str | int
    ) -> Bound:
        bound = cls(name, Decimal(low), Decimal(high), places, max_digits)
        limit = column_max(max_digits, places)
        if not -limit <= bound.low <= bound.high <= limit:
            raise ValueError(f"{name}: [{low}, {high}] does not fit ({max_digits},{places})")
        return bound

    @classmethod
    def integer(
        cls, name: Any, *, low: int, high: int, column_max: int = POSITIVE_INT_MAX
    ) -> Bound:
        if not -column_max - 1 <= low <= high <= column_max:
            raise ValueError(f"{name}: [{low}, {high}] does not fit the integer column")
        return cls(name, Decimal(low), Decimal(high))

    # -- checks ----------------------------------------------------------------

    def message(self) -> str:
        return gettext("%(name)s须在 %(low)s 至 %(high)s 之间") % {
            "name": self.name,
            "low": self.low,
            "high": self.high,
        }

    def check(self, value: Any) -> Any:
        """``value`` when it is a finite number inside the bound (and has no more decimal
        places than allowed); ``ValidationError`` otherwise. ``None`` passes."""
        if value is None:
            return value
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError(self.message(), code="out_of_range") from None
        if not number.is_finite() or not self.low <= number <= self.high:
            raise ValidationError(self.message(), code="out_of_range")
        if self.places == 0 and number != number.to_integral_value():
            raise ValidationError(self.message(), code="out_of_range")
        if self.max_digits is not None and number.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise ValidationError(
                gettext("%(name)s最多 %(places)s 位小数")
                % {"name": self.name, "places": self.places},
                code="too_many_places",
            )
        return value

    def validators(self) -> list[Callable[[Any], Any]]:
        """For a model field (its own column already checks digits and places)."""
        return [MinValueValidator(self.low), MaxValueValidator(self.high)]

    # -- forms -----------------------------------------------------------------

    def form_field(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("label", self.name)
        if self.places == 0:
            return forms.IntegerField(min_value=int(self.low), max_value=int(self.high), **kwargs)
        digits = self.max_digits or len(str(int(self.high))) + self.places
        return forms.DecimalField(
            min_value=self.low,
            max_value=self.high,
            max_digits=digits,
            decimal_places=self.places,
            **kwargs,
        )

    # -- API schemas (pydantic) ------------------------------------------------

    def field(self) -> Any:
        """The pydantic ``Field`` of this bound, for ``Annotated[Decimal | int, ...]``."""
        if self.places == 0:
            return Field(ge=int(self.low), le=int(self.high))
        return Field(ge=self.low, le=self.high, decimal_places=self.places, allow_inf_nan=False)


def check_float(bound: Bound, value: float) -> float:
    """A float reading or setting: finite and inside ``bound``."""
    if not math.isfinite(value) or not float(bound.low) <= value <= float(bound.high):
        raise ValidationError(bound.message(), code="out_of_range")
    return value


# --- money (yuan) -------------------------------------------------------------
# Household income components and expenses: DecimalField(12, 2); a rural household's
# year stays far below ten million yuan, which also keeps sums of five components inside.
INCOME = Bound.decimal(_("收入（元）"), max_digits=12, places=2, low=0, high=10_000_000)
NET_INCOME = Bound.decimal(
    _("家庭年纯收入（元）"), max_digits=12, places=2, low=-10_000_000, high=50_000_000
)
EXPENSE = Bound.decimal(_("支出（元）"), max_digits=12, places=2, low=0, high=10_000_000)
AMOUNT = Bound.decimal(_("金额（元）"), max_digits=12, places=2, low=0, high=100_000_000)
# Prices: DecimalField(10, 2). Price × the largest quantity below stays inside an amount.
PRICE_PER_JIN = Bound.decimal(_("单价（元/斤）"), max_digits=10, places=2, low=0, high=10_000)
ITEM_VALUE = Bound.decimal(_("物品价值（元）"), max_digits=10, places=2, low=0, high=10_000_000)

# --- weights and quantities -----------------------------------------------------
GRAMS_PER_JIN = 500
# A lot, a harvest, an order: PositiveIntegerField grams; 100 t is beyond any village's lot.
GRAMS = Bound.integer(_("重量（克）"), low=1, high=100_000_000)
JIN = Bound.decimal(_("重量（斤）"), max_digits=10, places=3, low="0.002", high=200_000)
HARVEST_JIN = Bound.decimal(_("重量（斤）"), max_digits=8, places=2, low="0.01", high=200_000)
ITEM_COUNT = Bound.integer(_("数量"), low=1, high=1_000_000)
GIFT_QUANTITY = Bound.decimal(_("数量"), max_digits=10, places=2, low="0.01", high=1_000_000)
PEOPLE = Bound.integer(_("人数"), low=0, high=100_000)
POINTS = Bound.integer(_("分值"), low=-1000, high=1000)
SAMPLE_RATE = Bound.integer(_("抽样比例（%）"), low=1, high=100)
DAYS = Bound.integer(_("天数"), low=0, high=3660)
MONTHS = Bound.integer(_("月数"), low=1, high=36)
SHELF_LIFE_DAYS = Bound.integer(_("保质期（天）"), low=1, high=3660)
VEHICLES = Bound.integer(_("车辆数"), low=1, high=1000)
# The greenhouse what-if (greenhouse/whatif.py): a park's tunnels, a yield per mu (the field
# range of greenhouse.md §2.4 is 0–508 kg/mu; a heated solar greenhouse reaches ≈ 850)
HOUSES = Bound.integer(_("大棚数"), low=1, high=1000)
YIELD_KG_PER_MU = Bound.integer(_("亩产（公斤/亩）"), low=0, high=1000)

# --- measurements ---------------------------------------------------------------
BODY_TEMPERATURE = Bound.decimal(_("体温（℃）"), max_digits=3, places=1, low="34.0", high="43.0")
AIR_TEMPERATURE = Bound.integer(_("温度（℃）"), low=-60, high=90)
HUMIDITY = Bound.integer(_("湿度（%）"), low=0, high=100)
CO2_PPM = Bound.integer(_("二氧化碳（ppm）"), low=0, high=100_000)
LUX = Bound.integer(_("光照（lx）"), low=0, high=300_000)
PRESSURE_HPA = Bound.integer(_("气压（hPa）"), low=300, high=1200)
# A value from a device whose measurement the parser cannot tell (ESPHome names).
ANY_READING = Bound.integer(_("读数"), low=-1_000_000, high=1_000_000)
# The platform JSON's measurements and Tasmota's fields, each with its bound.
READINGS: dict[str, Bound] = {
    "air_temp": AIR_TEMPERATURE,
    "air_rh": HUMIDITY,
    "soil_temp": AIR_TEMPERATURE,
    "soil_moisture": HUMIDITY,
    "co2": CO2_PPM,
    "lux": LUX,
    "outdoor_temp": AIR_TEMPERATURE,
    "outdoor_rh": HUMIDITY,
    "Temperature": AIR_TEMPERATURE,
    "DewPoint": AIR_TEMPERATURE,
    "Humidity": HUMIDITY,
    "Pressure": PRESSURE_HPA,
}
LATITUDE = Bound.decimal(_("纬度"), max_digits=9, places=6, low=-90, high=90)
LONGITUDE = Bound.decimal(_("经度"), max_digits=9, places=6, low=-180, high=180)

# --- identifiers ----------------------------------------------------------------
ID = Bound.integer(_("编号"), low=1, high=BIGINT_MAX, column_max=BIGINT_MAX)

# --- types for API schemas (Annotated, so type checkers see int / Decimal) -----------
ApiId = Annotated[int, ID.field()]
# An optional id filter of a list (0: none).
QueryId = Annotated[int, Field(ge=0, le=BIGINT_MAX)]
JinIn = Annotated[Decimal, JIN.field()]
# A number whose range the service checks itself (with its own message and code).
FiniteDecimal = Annotated[Decimal, Field(allow_inf_nan=False)]
LatitudeIn = Annotated[Decimal, LATITUDE.field()]
LongitudeIn = Annotated[Decimal, LONGITUDE.field()]

# --- dates ----------------------------------------------------------------------


def _date_message(kind: str) -> str:
    return {
        "future": gettext("日期不能晚于今天"),
        "past": gettext("日期不能早于 1900 年"),
        "far": gettext("日期超出可登记的范围"),
    }[kind]


def check_past_date(value: dt.date | None) -> None:
    """A date of something that has happened: not after today, not before 1900."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if day > timezone.localdate():
        raise ValidationError(_date_message("future"), code="future_date")
    if day < EARLIEST:
        raise ValidationError(_date_message("past"), code="too_old")


def check_past_datetime(value: dt.datetime | None) -> None:
    """A moment that has happened: not later than now plus ``CLOCK_SKEW``."""
    if value is None:
        return
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationError(gettext("时间不能晚于当前时间"), code="future_time")
    if value.date() < EARLIEST:
        raise ValidationError(_date_message("past"), code="too_old")


def check_planned_date(value: dt.date | None) -> None:
    """A date that may lie ahead (a deadline, a delivery): within ten years either way."""
    if value is None:
        return
    today = timezone.localdate()
    if abs((value - today).days) > 3660:
        raise ValidationError(_date_message("far"), code="far_date")


def ensure(check: Bound | Callable[[Any], Any], value: Any) -> Any:
    """For services: ``value`` when ``check`` (a bound, or one of the date checks above)
    passes, else a ``ServiceError`` with its message, so a view or the API answers 4xx."""
    try:
        if isinstance(check, Bound):
            return check.check(value)
        check(value)
        return value
    except ValidationError as exc:
        raise ServiceError(
            "；".join(exc.messages), code=exc.error_list[0].code or "invalid"
        ) from None


def _pydantic(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A Django check as a pydantic after-validator (pydantic wants ``ValueError``)."""

    def run(value: Any) -> Any:
        try:
            check(value)
        except ValidationError as exc:
            raise ValueError("; ".join(exc.messages)) from None
        return value

    return run


PastDate = Annotated[dt.date, AfterValidator(_pydantic(check_past_date))]
PastDateTime = Annotated[dt.datetime, AfterValidator(_pydantic(check_past_datetime))]


class PastDateField(forms.DateField):
    default_validators = [check_past_date]


class PastDateTimeField(forms.DateTimeField):
    default_validators = [check_past_datetime]
