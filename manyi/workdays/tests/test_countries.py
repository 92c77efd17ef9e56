"""Other countries through the ``holidays`` package."""

from __future__ import annotations

from datetime import date

import pytest

from manyi.workdays import CalendarError, UnknownCalendarError, get_calendar


def test_us_independence_day() -> None:
    us = get_calendar("US")
    assert us.code == "US"
    assert not us.is_workday(date(2025, 7, 4))
    assert us.add_workdays(date(2025, 7, 3), 1) == date(2025, 7, 7)
    assert not us.is_workday(date(2026, 7, 3))  # 07-04 is a Saturday, observed on Friday
    assert us.is_workday(date(2025, 10, 1))  # no Chinese holidays here
    assert us.workdays_between(date(2025, 6, 30), date(2025, 7, 7)) == 4


def test_germany_and_a_subdivision() -> None:
    de = get_calendar("de")
    assert not de.is_workday(date(2025, 10, 3))  # Tag der Deutschen Einheit
    assert de.is_workday(date(2025, 12, 24))
    assert de.add_workdays(date(2025, 12, 23), 2) == date(2025, 12, 29)
    assert de.is_workday(date(2025, 1, 6))
    bavaria = get_calendar("DE-BY")
    assert not bavaria.is_workday(date(2025, 1, 6))  # Heilige Drei Könige
    assert bavaria.add_workdays(date(2025, 1, 3), 1) == date(2025, 1, 7)


def test_country_weekend_is_used() -> None:
    sa = get_calendar("SA")  # Friday–Saturday weekend
    assert not sa.is_workday(date(2025, 3, 7))  # Friday
    assert sa.is_workday(date(2025, 3, 9))  # Sunday


def test_years_outside_the_holidays_data_fall_back() -> None:
    us = get_calendar("US")
    assert us.covers(2025)
    assert not us.covers(2101)
    assert us.is_workday(date(2101, 7, 4))  # a Monday
    assert us.uncovered_years(date(2100, 12, 1), date(2101, 1, 10)) == (2101,)


@pytest.mark.parametrize("code", ["XX", "", "CN-BJ", "DE-ZZ"])
def test_unknown_codes_are_rejected_with_the_code(code: str) -> None:
    with pytest.raises(UnknownCalendarError) as info:
        get_calendar(code)
    assert isinstance(info.value, CalendarError)
    assert isinstance(info.value, ValueError)
    assert repr(code) in str(info.value)
