import datetime as dt

from villageaid.cases import clock

D = dt.date


def test_working_days_skip_national_day_and_count_adjusted_saturday() -> None:
    # 2020-10-01..08 are holidays; Saturday 2020-10-10 is a working day.
    assert clock.deadline(D(2020, 9, 28), 20, clock.WORKING) == D(2020, 11, 2)
    # Monday-to-Friday counting without the holiday table would say 2020-10-26.
    assert clock.deadline(D(2020, 9, 28), 20, clock.WORKING) != D(2020, 10, 26)


def test_adjusted_working_sunday_before_national_day_counts() -> None:
    assert clock.is_workday(D(2020, 9, 27))
    assert clock.deadline(D(2020, 9, 26), 1, clock.WORKING) == D(2020, 9, 27)
    assert clock.is_workday(D(2020, 10, 10))
    assert not clock.is_workday(D(2020, 10, 5))


def test_days_left_across_the_holiday() -> None:
    end = clock.deadline(D(2020, 9, 28), 20, clock.WORKING)
    assert clock.days_left(end, D(2020, 9, 30), clock.WORKING) == 18
    assert clock.days_left(end, D(2020, 10, 8), clock.WORKING) == 18
    assert clock.days_left(end, D(2020, 10, 9), clock.WORKING) == 17
    assert clock.days_left(end, D(2020, 11, 3), clock.WORKING) == -1


def test_calendar_clock_is_fifteen_days() -> None:
    assert clock.deadline(D(2020, 4, 8), 15) == D(2020, 4, 23)
    assert clock.days_left(D(2020, 4, 23), D(2020, 4, 25)) == -2
