"""Years outside the statutory data fall back to weekends + closures, and say so."""

from __future__ import annotations

from datetime import UTC, date, datetime

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]

from manyi.workdays import WorkCalendar, coverage_warning


def test_covered_years_follow_chinesecalendar(cn: WorkCalendar) -> None:
    known = {d.year for d in chinese_calendar.constants.holidays}
    assert cn.covers(2025) and cn.covers(2026) and cn.covers(2004)
    assert not cn.covers(2003)
    assert not cn.covers(2030)
    for year in range(1990, 2040):
        assert cn.covers(year) == (min(known) <= year <= max(known))


def test_uncovered_year_falls_back_to_weekends(cn: WorkCalendar) -> None:
    # 2030-10-01 is a Tuesday; without statutory data it is an ordinary working day
    assert cn.is_workday(date(2030, 10, 1))
    assert not cn.is_workday(date(2030, 10, 5))  # Saturday
    assert cn.add_workdays(date(2030, 9, 30), 1) == date(2030, 10, 1)
    assert cn.add_workdays(date(2030, 10, 4), 1) == date(2030, 10, 7)
    assert cn.workdays_between(date(2029, 12, 31), date(2030, 12, 31)) == 261
    assert cn.add_workdays(date(2003, 12, 31), 1) == date(2004, 1, 2)  # 2004-01-01 holiday


def test_uncovered_years_are_reported(cn: WorkCalendar) -> None:
    assert cn.uncovered_years(date(2030, 1, 2), date(2030, 3, 1)) == (2030,)
    assert cn.uncovered_years(date(2031, 1, 2), date(2029, 3, 1)) == (2029, 2030, 2031)
    assert cn.uncovered_years(date(2025, 1, 2), date(2026, 3, 1)) == ()
    end = cn.add_workdays(date(2026, 12, 1), 40)
    assert end.year > 2026
    assert end.year in cn.uncovered_years(date(2026, 12, 1), end)
    moment = datetime(2030, 5, 6, 9, tzinfo=UTC)
    assert cn.uncovered_years(moment, cn.add_working_hours(moment, 8)) == (2030,)


def test_warnings_are_bilingual(cn: WorkCalendar) -> None:
    (warning,) = cn.warnings_for(date(2030, 1, 2), date(2030, 3, 1))
    assert warning == coverage_warning(2030)
    assert "警告：2030 年不在法定节假日数据范围内" in warning
    assert "warning: 2030 is not covered by the statutory calendar data" in warning
    assert cn.warnings_for(date(2025, 1, 1), date(2025, 12, 31)) == ()
