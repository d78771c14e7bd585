"""The working date (core.clock) and local time as people read it (core va_time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import timezone

from villageaid.core import clock
from villageaid.core.roles import Role
from villageaid.core.templatetags import va_time
from villageaid.testing import client_for

UTC_MORNING = dt.datetime(2020, 2, 11, 6, 5, tzinfo=dt.UTC)  # 14:05 in Shanghai


def test_times_show_in_shanghai_local_time() -> None:
    assert va_time.format_dt(UTC_MORNING) == "2020-02-11 14:05"
    assert va_time.format_dt("2020-02-11T06:05:00+00:00") == "2020-02-11 14:05"
    assert va_time.format_dt("2020-02-11T06:05:00Z") == "2020-02-11 14:05"
    assert va_time.format_date(dt.datetime(2020, 2, 10, 17, 0, tzinfo=dt.UTC)) == "2020-02-11"
    assert va_time.format_time(UTC_MORNING) == "14:05"
    assert va_time.chart_time(UTC_MORNING) == "2020-02-11 14:05:00"
    assert va_time.format_dt(None) == "—"


def test_relative_times_and_deadlines() -> None:
    today = dt.date(2020, 2, 11)
    assert va_time.due(dt.date(2020, 2, 14), today) == "3 天后到期"
    assert va_time.due(today, today) == "今天到期"
    assert va_time.due(dt.date(2020, 2, 9), today) == "已逾期 2 天"
    now = timezone.localtime(UTC_MORNING)
    assert va_time.relative(UTC_MORNING - dt.timedelta(hours=2), now) == "2 小时前"
    assert va_time.relative(UTC_MORNING + dt.timedelta(days=3), now) == "3 天后"
    assert va_time.relative(UTC_MORNING, now) == "刚刚"


def test_the_filters_in_a_template() -> None:
    html = Template("{% load va_time %}{{ at|local_dt }} · {{ at|local_time }}").render(
        Context({"at": UTC_MORNING})
    )
    assert html == "2020-02-11 14:05 · 14:05"


@pytest.mark.django_db
def test_the_working_date_is_set_and_cleared() -> None:
    assert clock.working_date() is None and clock.today() == timezone.localdate()
    clock.set_working_date(dt.date(2020, 4, 26), reason="demo")
    assert clock.today() == dt.date(2020, 4, 26) and clock.working_date() == dt.date(2020, 4, 26)
    assert clock.now().date() == dt.date(2020, 4, 26)
    assert va_time.due(dt.date(2020, 4, 29)) == "3 天后到期"
    clock.set_working_date(None)
    assert clock.working_date() is None and clock.today() == timezone.localdate()
    # Records keep real dates: the real today does not follow the working date.
    clock.set_working_date(dt.date(2020, 4, 26))
    assert clock.real_today() == timezone.localdate()


@pytest.mark.django_db
def test_a_banner_names_the_working_date(make_user: Any) -> None:
    client = client_for(make_user(Role.CADRE))
    assert "va-demo-banner" not in client.get("/").content.decode()
    clock.set_working_date(dt.date(2020, 4, 26), reason="demo")
    html = client.get("/").content.decode()
    assert "va-demo-banner" in html and "演示数据：日期为 2020年4月26日" in html
