"""Company closures and extra working days on top of the statutory calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from manyi.workdays import CalendarError, get_calendar


def test_closure_removes_a_working_day() -> None:
    cal = get_calendar("CN", closures=[date(2025, 10, 9)])
    assert not cal.is_workday(date(2025, 10, 9))
    assert cal.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 10)
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 10)) == 1
    assert get_calendar("CN").workdays_between(date(2025, 9, 30), date(2025, 10, 10)) == 2


def test_closure_can_cancel_a_make_up_working_day() -> None:
    cal = get_calendar("CN", closures=[date(2025, 10, 11)])
    assert not cal.is_workday(date(2025, 10, 11))
    assert cal.add_workdays(date(2025, 10, 10), 1) == date(2025, 10, 13)


def test_extra_workday_adds_a_day() -> None:
    cal = get_calendar("CN", extra_workdays=[date(2025, 10, 12)])  # a Sunday
    assert cal.is_workday(date(2025, 10, 12))
    assert cal.add_workdays(date(2025, 10, 11), 1) == date(2025, 10, 12)


def test_closures_also_apply_in_uncovered_years() -> None:
    cal = get_calendar("CN", closures=[date(2030, 10, 1), date(2030, 10, 2)])
    assert cal.add_workdays(date(2030, 9, 30), 1) == date(2030, 10, 3)


def test_datetimes_count_as_their_dates() -> None:
    cal = get_calendar("CN", closures=[datetime(2025, 10, 9, 12, 0)])
    assert not cal.is_workday(date(2025, 10, 9))
    assert date(2025, 10, 9) in cal.closures


def test_conflicting_closure_and_workday_is_rejected() -> None:
    with pytest.raises(CalendarError, match="2025-10-11"):
        get_calendar("CN", closures=[date(2025, 10, 11)], extra_workdays=[date(2025, 10, 11)])


def test_closures_must_be_dates() -> None:
    with pytest.raises(CalendarError, match="closures"):
        get_calendar("CN", closures=["2025-10-09"])  # type: ignore[list-item]
