"""add_working_hours with the default 08:30–12:00 / 13:00–17:30 schedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.workdays import CalendarError, WorkCalendar, WorkingHours, get_calendar

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def test_default_schedule_is_eight_hours(cn: WorkCalendar) -> None:
    assert cn.hours.daily == timedelta(hours=8)


def test_48_working_hours_vs_48_clock_hours(cn: WorkCalendar) -> None:
    start = at(2025, 3, 3, 9)  # an ordinary Monday
    assert cn.add_working_hours(start, 48) == at(2025, 3, 11, 9)  # 6 working days later
    assert start + timedelta(hours=48) == at(2025, 3, 5, 9)


def test_48_working_hours_across_national_day(cn: WorkCalendar) -> None:
    start = at(2025, 9, 30, 10)
    # 09-30: 6.5 h; 10-09, 10-10, 10-11 (Sat, make-up), 10-13, 10-14: 40 h; 10-15: 1.5 h
    assert cn.add_working_hours(start, 48) == at(2025, 10, 15, 10)
    clock = start + timedelta(hours=48)
    assert clock == at(2025, 10, 2, 10)
    assert not cn.is_workday(clock.date())


def test_working_hours_across_a_holiday(cn: WorkCalendar) -> None:
    assert cn.add_working_hours(at(2025, 9, 30, 16, 30), 2) == at(2025, 10, 9, 9, 30)
    assert cn.add_working_hours(at(2026, 2, 14, 17), 1) == at(2026, 2, 24, 9)


def test_lunch_break_and_period_end(cn: WorkCalendar) -> None:
    assert cn.add_working_hours(at(2025, 3, 3, 11), 2) == at(2025, 3, 3, 14)
    assert cn.add_working_hours(at(2025, 3, 3, 11), 1) == at(2025, 3, 3, 12)
    assert cn.add_working_hours(at(2025, 3, 3, 16, 30), 1) == at(2025, 3, 3, 17, 30)
    assert cn.add_working_hours(at(2025, 3, 3, 8, 30), 8) == at(2025, 3, 3, 17, 30)
    assert cn.add_working_hours(at(2025, 3, 3, 8, 30), 16) == at(2025, 3, 4, 17, 30)


def test_moment_outside_working_hours_starts_at_next_period(cn: WorkCalendar) -> None:
    assert cn.add_working_hours(at(2025, 3, 3, 12, 30), 1) == at(2025, 3, 3, 14)
    assert cn.add_working_hours(at(2025, 3, 3, 7), 1) == at(2025, 3, 3, 9, 30)
    assert cn.add_working_hours(at(2025, 3, 7, 18), 0.5) == at(2025, 3, 10, 9)  # Fri evening
    assert cn.add_working_hours(at(2025, 10, 3, 10), 1) == at(2025, 10, 9, 9, 30)  # holiday
    assert cn.add_working_hours(at(2025, 3, 3, 12, 0), 1) == at(2025, 3, 3, 14)


def test_zero_hours_snaps_to_working_time(cn: WorkCalendar) -> None:
    assert cn.add_working_hours(at(2025, 3, 3, 10), 0) == at(2025, 3, 3, 10)
    assert cn.add_working_hours(at(2025, 3, 3, 12, 30), 0) == at(2025, 3, 3, 13)
    assert cn.add_working_hours(at(2025, 3, 3, 19), 0) == at(2025, 3, 4, 8, 30)


def test_amount_types_agree(cn: WorkCalendar) -> None:
    start = at(2025, 3, 3, 11, 15)
    expected = at(2025, 3, 3, 13, 45)
    assert cn.add_working_hours(start, 1.5) == expected
    assert cn.add_working_hours(start, Decimal("1.5")) == expected
    assert cn.add_working_hours(start, timedelta(minutes=90)) == expected


def test_negative_hours_go_backwards(cn: WorkCalendar) -> None:
    assert cn.add_working_hours(at(2025, 10, 9, 9, 30), -2) == at(2025, 9, 30, 16, 30)
    assert cn.add_working_hours(at(2025, 3, 3, 14), -2) == at(2025, 3, 3, 11)
    assert cn.add_working_hours(at(2025, 3, 3, 7), -1) == at(2025, 2, 28, 16, 30)


def test_result_keeps_the_moments_zone(cn: WorkCalendar) -> None:
    result = cn.add_working_hours(at(2025, 3, 3, 9), 1)
    assert result.tzinfo is SH
    utc_moment = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # wall clock read in UTC
    assert cn.add_working_hours(utc_moment, 1) == datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def test_naive_moment_is_rejected(cn: WorkCalendar) -> None:
    with pytest.raises(CalendarError, match="timezone-aware"):
        cn.add_working_hours(datetime(2025, 3, 3, 9), 1)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), True, "2"])
def test_bad_amounts_are_rejected(cn: WorkCalendar, bad: object) -> None:
    with pytest.raises(CalendarError):
        cn.add_working_hours(at(2025, 3, 3, 9), bad)  # type: ignore[arg-type]


def test_custom_schedule() -> None:
    nine_to_six = WorkingHours(periods=((time(9), time(18)),))
    cal = get_calendar("CN", hours=nine_to_six)
    assert cal.add_working_hours(at(2025, 9, 30, 17), 2) == at(2025, 10, 9, 10)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(12), time(9)),),
        ((time(8), time(12)), (time(11), time(17))),
        ((time(8, tzinfo=UTC), time(12)),),
    ],
)
def test_invalid_schedules_are_rejected(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(CalendarError):
        WorkingHours(periods=periods)


CN = get_calendar("CN")
WORKING_MOMENTS = st.builds(
    lambda day, minute: datetime(2025, 1, 1, tzinfo=SH) + timedelta(days=day, minutes=minute),
    st.integers(min_value=0, max_value=700),
    st.sampled_from([8 * 60 + 30, 9 * 60, 11 * 60 + 59, 13 * 60, 15 * 60 + 7, 17 * 60 + 29]),
).filter(lambda m: CN.is_workday(m.date()))


@settings(max_examples=200, deadline=None)
@given(WORKING_MOMENTS, st.integers(min_value=1, max_value=60 * 8 * 300))
def test_backwards_undoes_forwards(moment: datetime, minutes: int) -> None:
    later = CN.add_working_hours(moment, timedelta(minutes=minutes))
    assert later > moment
    assert CN.add_working_hours(later, timedelta(minutes=-minutes)) == moment
