"""PRC statutory calendar, checked against the State Council notices.

2025: 国办发明电〔2024〕12号; 2026: 国办发明电〔2025〕7号. The expected dates below are typed
in from the notices, not read from chinesecalendar.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from manyi.workdays import WorkCalendar

# (first day off, last day off, make-up working days) per holiday, from the notices.
NOTICE_2025 = [
    (date(2025, 1, 1), date(2025, 1, 1), []),
    (date(2025, 1, 28), date(2025, 2, 4), [date(2025, 1, 26), date(2025, 2, 8)]),
    (date(2025, 4, 4), date(2025, 4, 6), []),
    (date(2025, 5, 1), date(2025, 5, 5), [date(2025, 4, 27)]),
    (date(2025, 5, 31), date(2025, 6, 2), []),
    (date(2025, 10, 1), date(2025, 10, 8), [date(2025, 9, 28), date(2025, 10, 11)]),
]
NOTICE_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    (date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    (date(2026, 4, 4), date(2026, 4, 6), []),
    (date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    (date(2026, 6, 19), date(2026, 6, 21), []),
    (date(2026, 9, 25), date(2026, 9, 27), []),
    (date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
]


def _expected_workdays(year: int, notice: list[tuple[date, date, list[date]]]) -> set[date]:
    off: set[date] = set()
    makeup: set[date] = set()
    for first, last, extra in notice:
        off |= {first + timedelta(days=i) for i in range((last - first).days + 1)}
        makeup |= set(extra)
    day, result = date(year, 1, 1), set()
    while day.year == year:
        if (day.weekday() < 5 and day not in off) or day in makeup:
            result.add(day)
        day += timedelta(days=1)
    return result


@pytest.mark.parametrize(("year", "notice"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_whole_year_matches_the_state_council_notice(
    cn: WorkCalendar, year: int, notice: list[tuple[date, date, list[date]]]
) -> None:
    expected = _expected_workdays(year, notice)
    day, actual = date(year, 1, 1), set()
    while day.year == year:
        if cn.is_workday(day):
            actual.add(day)
        day += timedelta(days=1)
    assert actual == expected
    assert len(actual) == 248
    assert cn.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == 248


# -- National Day / Mid-Autumn 2025: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked ------


def test_national_day_2025_days(cn: WorkCalendar) -> None:
    for day in range(1, 9):
        assert not cn.is_workday(date(2025, 10, day)), day
    assert cn.is_workday(date(2025, 9, 28))  # Sunday, make-up working day
    assert cn.is_workday(date(2025, 10, 11))  # Saturday, make-up working day
    assert not cn.is_workday(date(2025, 10, 12))  # ordinary Sunday
    assert not cn.is_workday(date(2025, 9, 27))  # ordinary Saturday


def test_add_workdays_across_national_day_2025(cn: WorkCalendar) -> None:
    assert cn.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert cn.add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert cn.add_workdays(date(2025, 10, 9), 2) == date(2025, 10, 11)
    assert cn.add_workdays(date(2025, 10, 10), 1) == date(2025, 10, 11)
    assert cn.add_workdays(date(2025, 10, 11), 1) == date(2025, 10, 13)
    # 3 working days to distribute questionnaires, starting Monday 09-29
    assert cn.add_workdays(date(2025, 9, 29), 3) == date(2025, 10, 10)
    assert cn.add_workdays(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert cn.add_workdays(date(2025, 10, 5), -2) == date(2025, 9, 29)
    assert cn.add_workdays(date(2025, 9, 29), -1) == date(2025, 9, 28)


def test_workdays_between_across_national_day_2025(cn: WorkCalendar) -> None:
    # after Fri 09-26 up to Sun 10-12: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11
    assert cn.workdays_between(date(2025, 9, 26), date(2025, 10, 12)) == 6
    assert cn.workdays_between(date(2025, 10, 12), date(2025, 9, 26)) == -6
    assert cn.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert cn.workdays_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert cn.workdays_between(date(2025, 10, 1), date(2025, 10, 1)) == 0


def test_next_and_previous_workday_2025(cn: WorkCalendar) -> None:
    assert cn.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert cn.next_workday(date(2025, 9, 27)) == date(2025, 9, 28)
    assert cn.previous_workday(date(2025, 10, 9)) == date(2025, 9, 30)
    assert cn.previous_workday(date(2025, 10, 13)) == date(2025, 10, 11)


# -- Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked ---------------


def test_spring_festival_2026_days(cn: WorkCalendar) -> None:
    for day in range(15, 24):
        assert not cn.is_workday(date(2026, 2, day)), day
    assert cn.is_workday(date(2026, 2, 14))
    assert cn.is_workday(date(2026, 2, 28))
    assert cn.is_workday(date(2026, 2, 24))


def test_spring_festival_2026_arithmetic(cn: WorkCalendar) -> None:
    assert cn.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cn.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert cn.add_workdays(date(2026, 2, 20), 0) == date(2026, 2, 24)
    # 02-14, 02-24, 02-25, 02-26, 02-27, 02-28
    assert cn.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    # the 18-working-day quarterly survey started on Monday 2026-02-02
    assert cn.add_workdays(date(2026, 2, 2), 18) == date(2026, 3, 4)
    # New Year 2026: 01-01..01-03 off, Sunday 01-04 worked
    assert cn.add_workdays(date(2025, 12, 31), 1) == date(2026, 1, 4)
