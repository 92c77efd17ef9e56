"""Conventions of add_workdays / workdays_between, checked against a day-by-day reference."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.workdays import WorkCalendar, get_calendar

CN = get_calendar("CN", closures=[date(2025, 12, 24)], extra_workdays=[date(2030, 6, 1)])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2032, 12, 31))
STEPS = st.integers(min_value=-400, max_value=400)


def reference_add(cal: WorkCalendar, d: date, n: int) -> date:
    """Slow day-by-day version of the documented convention."""
    if n == 0:
        while not cal.is_workday(d):
            d += timedelta(days=1)
        return d
    step = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        d += step
        while not cal.is_workday(d):
            d += step
    return d


def reference_between(cal: WorkCalendar, d1: date, d2: date) -> int:
    low, high, sign = (d1, d2, 1) if d1 <= d2 else (d2, d1, -1)
    count, d = 0, low
    while d < high:
        d += timedelta(days=1)
        count += cal.is_workday(d)
    return sign * count


@settings(max_examples=150, deadline=None)
@given(DAYS, STEPS)
def test_add_workdays_matches_reference(d: date, n: int) -> None:
    assert CN.add_workdays(d, n) == reference_add(CN, d, n)


@settings(max_examples=150, deadline=None)
@given(DAYS, DAYS)
def test_workdays_between_matches_reference_and_is_antisymmetric(d1: date, d2: date) -> None:
    count = CN.workdays_between(d1, d2)
    assert count == reference_between(CN, d1, d2)
    assert CN.workdays_between(d2, d1) == -count


@settings(max_examples=150, deadline=None)
@given(DAYS, STEPS)
def test_between_inverts_add(d: date, n: int) -> None:
    start = CN.add_workdays(d, 0)  # a working day
    assert CN.workdays_between(start, CN.add_workdays(start, n)) == n
    if n > 0:  # from any day, not only a working day
        assert CN.workdays_between(d, CN.add_workdays(d, n)) == n


def test_add_zero_keeps_a_working_day_and_moves_a_holiday(cn: WorkCalendar) -> None:
    assert cn.add_workdays(date(2025, 9, 30), 0) == date(2025, 9, 30)
    assert cn.add_workdays(date(2025, 10, 4), 0) == date(2025, 10, 9)


def test_datetime_input_gives_a_plain_date(cn: WorkCalendar) -> None:
    result = cn.add_workdays(datetime(2025, 9, 30, 15, 0), 1)
    assert type(result) is date
    assert result == date(2025, 10, 9)


def test_add_workdays_at_keeps_clock_time_and_zone(cn: WorkCalendar) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    moment = datetime(2025, 9, 30, 15, 45, tzinfo=shanghai)
    assert cn.add_workdays_at(moment, 1) == datetime(2025, 10, 9, 15, 45, tzinfo=shanghai)
    assert cn.add_workdays_at(moment, 3).tzinfo is shanghai
    holiday = datetime(2025, 10, 2, 9, 0, tzinfo=shanghai)
    assert cn.add_workdays_at(holiday, 0) == datetime(2025, 10, 9, 9, 0, tzinfo=shanghai)
    assert cn.add_workdays_at(holiday, -1) == datetime(2025, 9, 30, 9, 0, tzinfo=shanghai)


def test_large_spans_are_fast() -> None:
    cal = get_calendar("CN", closures=[date(2024, 2, 1)])
    cal.add_workdays(date(2015, 1, 1), 3000)  # warm the per-year cache
    started = time.perf_counter()
    for _ in range(2000):
        assert cal.add_workdays(date(2025, 1, 2), 250) == cal.add_workdays(date(2025, 1, 2), 250)
        cal.workdays_between(date(2015, 1, 1), date(2026, 12, 31))
    assert time.perf_counter() - started < 2.0


def test_long_span_matches_reference(cn: WorkCalendar) -> None:
    start = date(2024, 6, 3)
    assert cn.add_workdays(start, 250) == reference_add(cn, start, 250)
    assert cn.workdays_between(date(2020, 1, 1), date(2026, 12, 31)) == reference_between(
        cn, date(2020, 1, 1), date(2026, 12, 31)
    )


def test_calendars_are_cached_per_arguments() -> None:
    assert get_calendar("CN") is get_calendar("cn")
    assert get_calendar("CN", closures=[date(2025, 1, 2)]) is get_calendar(
        "CN", closures=(date(2025, 1, 2),)
    )
    assert get_calendar("CN", closures=[date(2025, 1, 2)]) is not get_calendar("CN")
