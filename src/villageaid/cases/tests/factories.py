"""Test data for the cases app."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from villageaid.cases import services
from villageaid.cases.models import Case
from villageaid.core import idnumber
from villageaid.registry.models import Household, IncomeRecord, Person

_SEQ = itertools.count(300)
HEAD_ID = "11010519491231002X"


def household(
    area: Any,
    code: str,
    *,
    labour: str = "normal",
    health: str = "chronic",
    household_type: str = "tuopin",
    name: str = "王建国",
) -> Household:
    grid = area.children.filter(level="grid").first()
    row = Household.objects.create(
        code=code,
        village=area,
        grid=grid,
        area_path=(grid or area).path,
        household_type=household_type,
        phone="13912345678",
        group_name="第三组",
    )
    person = Person(
        household=row,
        name=name,
        relationship="01",
        sex="1",
        birth_date=dt.date(1970, 5, 6),
        health=health,
        labour=labour,
    )
    first17 = f"37100319700506{next(_SEQ):03d}"
    person.set_id_number(first17 + idnumber.calc_check_digit(first17))
    person.save()
    return row


def income(row: Household, on: dt.date, wage: int) -> IncomeRecord:
    return IncomeRecord.objects.create(household=row, period_end=on, wage=Decimal(wage))


def case_in(area: Any, code: str, actor: Any = None, **kwargs: Any) -> Case:
    """An open case whose household has signed its authorisation."""
    case = services.case_open(
        household=household(area, code),
        actor=actor,
        source=Case.Source.CADRE_REPORT,
        opened_on=kwargs.pop("opened_on", dt.date(2020, 4, 8)),
        **kwargs,
    )
    services.authorisation_record(case=case, actor=actor, signed_on=case.opened_on)
    return case
