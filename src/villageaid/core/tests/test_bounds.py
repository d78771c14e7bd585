"""core.bounds: one place for the range of every numeric and dated input (issue 18,
findings 6 and 14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from villageaid.core import bounds
from villageaid.core.errors import ServiceError

HOSTILE = [Decimal("1e15"), "1E+999999999", "-1E+999999999", "NaN", "Infinity", float("inf"), "x"]


def test_a_bound_that_does_not_fit_its_column_is_refused_at_definition() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        bounds.Bound.decimal("x", max_digits=12, places=2, low=0, high=10**11)
    with pytest.raises(ValueError, match="does not fit"):
        bounds.Bound.integer("x", low=0, high=2**31)
    assert bounds.column_max(12, 2) == Decimal("9999999999.99")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_numbers_fail_the_check(value: Any) -> None:
    with pytest.raises(ValidationError):
        bounds.INCOME.check(value)
    with pytest.raises(ServiceError):
        bounds.ensure(bounds.INCOME, value)


def test_values_inside_pass_and_places_are_counted() -> None:
    assert bounds.INCOME.check(Decimal("12345.67")) == Decimal("12345.67")
    assert bounds.INCOME.check(None) is None
    with pytest.raises(ValidationError):
        bounds.INCOME.check(Decimal("1.001"))
    with pytest.raises(ValidationError):
        bounds.GRAMS.check(Decimal("1.5"))
    with pytest.raises(ValidationError):
        bounds.GRAMS.check(2**63)


@pytest.mark.parametrize("value", ["1E+999999999", "1e15", "NaN", "-0.5", "1.0005"])
def test_api_types_refuse_out_of_range(value: str) -> None:
    with pytest.raises(PydanticError):
        TypeAdapter(bounds.JinIn).validate_python(value)
    assert TypeAdapter(bounds.JinIn).validate_python("1.5") == Decimal("1.5")


def test_api_id_refuses_2_to_the_63() -> None:
    adapter = TypeAdapter(bounds.ApiId)
    assert adapter.validate_python(2**63 - 1) == 2**63 - 1
    for value in (2**63, 0, -1):
        with pytest.raises(PydanticError):
            adapter.validate_python(value)


def test_dates_in_the_future_are_refused_where_they_must_be_past() -> None:
    today = timezone.localdate()
    bounds.check_past_date(today)  # passes: today is not the future
    for value in (dt.date(9999, 12, 31), today + dt.timedelta(days=1), dt.date(1, 1, 1)):
        with pytest.raises(ValidationError):
            bounds.check_past_date(value)
    with pytest.raises(PydanticError):
        TypeAdapter(bounds.PastDate).validate_python("9999-12-31")
    with pytest.raises(PydanticError):
        TypeAdapter(bounds.PastDateTime).validate_python("9999-12-31T23:59:59+08:00")
    soon = timezone.now() + dt.timedelta(minutes=1)  # a phone's clock a little ahead
    assert TypeAdapter(bounds.PastDateTime).validate_python(soon) == soon
    with pytest.raises(ValidationError):
        bounds.check_planned_date(dt.date(9999, 1, 1))


def test_form_fields_carry_the_bound() -> None:
    field = bounds.INCOME.form_field(required=True)
    with pytest.raises(ValidationError):
        field.clean("1000000000000000")
    with pytest.raises(ValidationError):
        field.clean("1E+999999999")
    assert field.clean("3000.50") == Decimal("3000.50")
    with pytest.raises(ValidationError):
        bounds.PastDateField().clean("9999-12-31")
