"""Times as people read them: Asia/Shanghai local time, ``2020-02-11 14:05``, and relative
where it helps (``2 小时前``, ``3 天后到期``). The one place templates and the JSON fed to pages
format a date or a time: ``{% load va_time %}{{ row.created_at|local_dt }}``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import clock

register = template.Library()

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def _parse(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def to_local(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return timezone.localtime(value)


def format_dt(value: Any, empty: str = "—") -> str:
    """A date-time (aware, naive UTC or ISO text) as local ``YYYY-MM-DD HH:MM``; a date as
    ``YYYY-MM-DD``."""
    parsed = _parse(value)
    if parsed is None:
        return empty if value in (None, "") else str(value)
    if isinstance(parsed, dt.datetime):
        return to_local(parsed).strftime(DATETIME_FORMAT)
    return parsed.strftime(DATE_FORMAT)


def format_date(value: Any, empty: str = "—") -> str:
    parsed = _parse(value)
    if parsed is None:
        return empty if value in (None, "") else str(value)
    if isinstance(parsed, dt.datetime):
        parsed = to_local(parsed).date()
    return parsed.strftime(DATE_FORMAT)


def format_time(value: Any, empty: str = "—") -> str:
    parsed = _parse(value)
    if not isinstance(parsed, dt.datetime):
        return empty if value in (None, "") else str(value)
    return to_local(parsed).strftime("%H:%M")


def chart_time(value: dt.datetime) -> str:
    """A time for a chart's time axis fed as JSON: the Asia/Shanghai wall clock without an
    offset (``2020-02-11 14:05:00``), which ECharts shows as is on any device's time zone."""
    return to_local(value).strftime("%Y-%m-%d %H:%M:%S")


def relative(value: Any, now: dt.datetime | None = None) -> str:
    """``刚刚`` / ``5 分钟前`` / ``2 小时前`` / ``3 天前`` (or ``… 后`` for the future),
    measured from the working date's clock."""
    parsed = _parse(value)
    if parsed is None:
        return "—" if value in (None, "") else str(value)
    if not isinstance(parsed, dt.datetime):
        return days_from(parsed)
    now = now or clock.now()
    seconds = (now - to_local(parsed)).total_seconds()
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return _("刚刚")
    for size, past, future in (
        (86400, _("%(n)s 天前"), _("%(n)s 天后")),
        (3600, _("%(n)s 小时前"), _("%(n)s 小时后")),
        (60, _("%(n)s 分钟前"), _("%(n)s 分钟后")),
    ):
        if seconds >= size:
            return (future if ahead else past) % {"n": int(seconds // size)}
    return _("刚刚")


def days_from(day: dt.date, today: dt.date | None = None) -> str:
    """A date relative to the working date: ``今天``, ``3 天前``, ``2 天后``."""
    days = (day - (today or clock.today())).days
    if days == 0:
        return _("今天")
    if days > 0:
        return _("%(n)s 天后") % {"n": days}
    return _("%(n)s 天前") % {"n": -days}


def due(day: Any, today: dt.date | None = None) -> str:
    """A deadline relative to the working date: ``3 天后到期``, ``今天到期``, ``已逾期 2 天``."""
    parsed = _parse(day)
    if parsed is None:
        return "—"
    if isinstance(parsed, dt.datetime):
        parsed = to_local(parsed).date()
    days = (parsed - (today or clock.today())).days
    if days == 0:
        return _("今天到期")
    if days > 0:
        return _("%(n)s 天后到期") % {"n": days}
    return _("已逾期 %(n)s 天") % {"n": -days}


register.filter("local_dt", format_dt)
register.filter("local_date", format_date)
register.filter("local_time", format_time)
register.filter("ago", relative)
register.filter("due", due)


@register.simple_tag
def working_today() -> dt.date:
    return clock.today()
