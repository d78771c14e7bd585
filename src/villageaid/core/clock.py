"""The working date: the one place pages ask which day it is.

Default periods, dashboards and "days left" read :func:`today`, which is the real local
date (Asia/Shanghai) unless a :class:`~villageaid.core.models.WorkingDate` row puts the
site on another day; the demo loader sets it to the demo's own date, so a demo dated 2020
opens on 2020 and its figures are not zero. Records that users write keep real dates
(:func:`real_today`, ``timezone.now()``): a legal clock runs from the day something
happened, never from the working date.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils import timezone

# How long a process trusts its copy of the working date (another process may change it).
_TTL_SECONDS = 30.0
_lock = threading.Lock()
_cached: tuple[float, dt.date | None, str] | None = None


def real_today() -> dt.date:
    return timezone.localdate()


def _load() -> tuple[dt.date | None, str]:
    global _cached
    now = time.monotonic()
    with _lock:
        if _cached is not None and now - _cached[0] < _TTL_SECONDS:
            return _cached[1], _cached[2]
    from django.db import DatabaseError

    from villageaid.core.models import WorkingDate

    try:
        row = WorkingDate.objects.order_by("-updated_at").first()
    except DatabaseError:  # no table yet (before migrate): the real today
        return None, ""
    value = (row.day, row.reason) if row is not None else (None, "")
    with _lock:
        _cached = (now, *value)
    return value


def today() -> dt.date:
    """The working date: the set one, else the real local date."""
    day, _reason = _load()
    return day or real_today()


def working_date() -> dt.date | None:
    """The set working date, or None when the site runs on the real today."""
    return _load()[0]


def reason() -> str:
    return _load()[1]


def now() -> dt.datetime:
    """The working date at the current local time of day (aware)."""
    current = timezone.localtime()
    day = today()
    if day == current.date():
        return current
    return current.replace(year=day.year, month=day.month, day=day.day)


def set_working_date(day: dt.date | None, *, reason: str = "") -> None:
    """Put the site on ``day`` (None: back to the real today). Used by the demo loader and
    ``villageaid working_date``; not a user's write."""
    from villageaid.core.models import WorkingDate

    WorkingDate.objects.all().delete()
    if day is not None:
        WorkingDate.objects.create(day=day, reason=reason[:200])
    invalidate()


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None
