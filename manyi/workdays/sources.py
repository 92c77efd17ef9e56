"""Where the statutory working days of a year come from.

* ``ChineseStatutorySource`` (code ``CN``): the ``chinesecalendar`` package, which knows the
  PRC public holidays *and* the make-up working days (调休上班, e.g. Sunday 2025-09-28).
* ``PublicHolidaySource`` (any other code, e.g. ``US``, ``DE`` or ``DE-BY``): the ``holidays``
  package — the country's weekend and public holidays (observed days included).

A source only answers for the years it ``covers``; the calendar handles the other years
(weekend only) itself, so the libraries are never asked about a year they do not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Protocol

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]
import holidays

from .errors import UnknownCalendarError

SATURDAY_SUNDAY: frozenset[int] = frozenset({5, 6})


class YearSource(Protocol):
    """Statutory data of one calendar."""

    @property
    def code(self) -> str: ...

    @property
    def weekend(self) -> frozenset[int]:
        """Weekday numbers (Monday = 0) of the weekend, used for uncovered years."""
        ...

    def covers(self, year: int) -> bool: ...

    def workdays(self, year: int) -> frozenset[date]:
        """All working days of a covered ``year`` (never called for an uncovered year)."""
        ...


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days if year < 9999 else 365
    return [first + timedelta(days=i) for i in range(length)]


@dataclass(frozen=True)
class ChineseStatutorySource:
    """PRC statutory calendar from ``chinesecalendar``."""

    code: str = "CN"
    weekend: frozenset[int] = SATURDAY_SUNDAY

    @cached_property
    def years(self) -> range:
        # The same range chinesecalendar itself validates against (it raises
        # NotImplementedError outside it); checking first avoids ever triggering that.
        known: dict[date, object] = chinese_calendar.constants.holidays
        return range(min(known).year, max(known).year + 1)

    def covers(self, year: int) -> bool:
        return year in self.years

    def workdays(self, year: int) -> frozenset[date]:
        days: list[date] = chinese_calendar.get_workdays(
            date(year, 1, 1), date(year, 12, 31), include_weekends=True
        )
        return frozenset(days)


@dataclass(frozen=True)
class PublicHolidaySource:
    """Weekend and public holidays of a country (or subdivision) from ``holidays``."""

    code: str
    country: str
    subdiv: str | None
    weekend: frozenset[int]
    first_year: int
    last_year: int

    @classmethod
    def for_code(cls, code: str) -> PublicHolidaySource:
        country, _, subdiv = code.partition("-")
        try:
            probe = holidays.country_holidays(country, subdiv=subdiv or None, years=())
        except NotImplementedError as exc:
            raise UnknownCalendarError(code, str(exc)) from exc
        return cls(
            code=code,
            country=country,
            subdiv=subdiv or None,
            weekend=frozenset(probe.weekend),
            first_year=probe.start_year,
            last_year=probe.end_year,
        )

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def workdays(self, year: int) -> frozenset[date]:
        # Neighbouring years too: an observed holiday can fall into the adjacent year
        # (e.g. US New Year's Day 2022 observed on Friday 2021-12-31).
        neighbours = [y for y in (year - 1, year, year + 1) if self.covers(y)]
        data = holidays.country_holidays(
            self.country, subdiv=self.subdiv, years=neighbours, expand=False
        )
        return frozenset(d for d in _days_of(year) if data.is_working_day(d))


def source_for(code: str) -> YearSource:
    """The source of a calendar code: ``CN`` or a code the ``holidays`` package knows."""
    normalized = code.strip().upper()
    if not normalized:
        raise UnknownCalendarError(code, "the calendar code is empty")
    if normalized == "CN":
        return ChineseStatutorySource()
    if normalized.startswith("CN-"):
        raise UnknownCalendarError(code, "the CN calendar has no subdivisions")
    return PublicHolidaySource.for_code(normalized)
