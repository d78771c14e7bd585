"""The legal clock: N calendar days, or N working days under China's public
holidays and adjusted working days (``chinese_calendar``), from the day the
clue was found (that day itself is day 0)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

CALENDAR, WORKING = "calendar", "working"
ONE_DAY = dt.timedelta(days=1)


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package does not know: Mon–Fri
        return day.weekday() < 5


def deadline(opened_on: dt.date, days: int, kind: str = CALENDAR) -> dt.date:
    if kind == CALENDAR:
        return opened_on + dt.timedelta(days=days)
    day, counted = opened_on, 0
    while counted < days:
        day += ONE_DAY
        counted += is_workday(day)
    return day


def deadline_for(opened_on: dt.date, days: int | None, kind: str = CALENDAR) -> dt.date | None:
    """The deadline, or None when the policy version sets no limit."""
    return None if days is None else deadline(opened_on, days, kind)


def days_between(start: dt.date, end: dt.date, kind: str = CALENDAR) -> int:
    """Days from ``start`` to ``end`` (negative when ``end`` is earlier), counted in ``kind``."""
    if kind == CALENDAR:
        return (end - start).days
    sign, low, high = (1, start, end) if end >= start else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += ONE_DAY
        count += is_workday(day)
    return sign * count


def days_left(deadline_on: dt.date, today: dt.date, kind: str = CALENDAR) -> int:
    return days_between(today, deadline_on, kind)
