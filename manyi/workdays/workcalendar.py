"""The working-day calendar: statutory data + company closures + working hours.

Conventions (see docs/decisions/0004-working-day-calendar.md):

* ``add_workdays(d, n)``: n > 0 → the n-th working day strictly after ``d``; n < 0 → the |n|-th
  working day strictly before ``d``; n = 0 → ``d`` itself if it is a working day, else the next
  working day.
* ``workdays_between(d1, d2)``: the number of working days in ``(d1, d2]`` (after ``d1``, up to
  and including ``d2``); antisymmetric: ``workdays_between(d2, d1) == -workdays_between(d1, d2)``.
  For working days ``d1``, ``d2``: ``add_workdays(d1, workdays_between(d1, d2)) == d2``.
* Years the statutory data does not cover are computed from the weekend and the company's
  closures / extra working days only; nothing raises for them. Results stay plain values; ask
  ``uncovered_years(start, end)`` (or ``warnings_for``) with the span of the computation —
  the input date and the result — to learn whether a fallback year was involved.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from functools import lru_cache

from .errors import CalendarError
from .hours import DEFAULT_WORKING_HOURS, HoursAmount, WorkingHours, to_timedelta
from .messages import coverage_warning
from .sources import YearSource, source_for

_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class _Year:
    ordinals: tuple[int, ...]  # sorted ordinals of the year's working days
    members: frozenset[int]


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of one calendar. Build it with ``get_calendar``; instances are immutable
    and cache the working days per year, so keep and reuse them."""

    source: YearSource
    closures: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    hours: WorkingHours = DEFAULT_WORKING_HOURS
    _years: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        both = self.closures & self.extra_workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise CalendarError(f"dates are both a closure and an extra working day: {listed}")

    @property
    def code(self) -> str:
        """The calendar code, e.g. ``CN``, ``US`` or ``DE-BY``."""
        return self.source.code

    # -- coverage -------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether the statutory data (holidays, make-up working days) covers ``year``."""
        return self.source.covers(year)

    def uncovered_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years from ``start`` to ``end`` (either order, inclusive) that fall back to weekends."""
        low, high = sorted((start.year, end.year))
        return tuple(y for y in range(low, high + 1) if not self.covers(y))

    def warnings_for(self, start: date, end: date) -> tuple[str, ...]:
        """One bilingual warning per uncovered year between ``start`` and ``end``."""
        return tuple(coverage_warning(y) for y in self.uncovered_years(start, end))

    # -- days -----------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day."""
        return d.toordinal() in self._year(d.year).members

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_workdays(d, 1)

    def previous_workday(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self.add_workdays(d, -1)

    def add_workdays(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (before it for negative ``n``).

        ``n == 0`` gives ``d`` when it is a working day, otherwise the next working day.
        """
        ordinal, year = d.toordinal(), d.year
        if n == 0:
            if ordinal in self._year(year).members:
                return date.fromordinal(ordinal)
            n = 1
        if n > 0:
            while True:
                days = self._year(year).ordinals
                index = bisect_right(days, ordinal)
                if n <= len(days) - index:
                    return date.fromordinal(days[index + n - 1])
                n -= len(days) - index
                year = self._step(year, 1)
        n = -n
        while True:
            days = self._year(year).ordinals
            index = bisect_left(days, ordinal)  # working days strictly before ``ordinal``
            if n <= index:
                return date.fromordinal(days[index - n])
            n -= index
            year = self._step(year, -1)

    def workdays_between(self, d1: date, d2: date) -> int:
        """Working days after ``d1`` up to and including ``d2``; negative when ``d2 < d1``."""
        first, last = d1.toordinal(), d2.toordinal()
        if last < first:
            return -self.workdays_between(d2, d1)
        total = 0
        for year in range(d1.year, d2.year + 1):
            days = self._year(year).ordinals
            total += bisect_right(days, last) - bisect_right(days, first)
        return total

    # -- moments --------------------------------------------------------------------------

    def add_workdays_at(self, moment: datetime, n: int) -> datetime:
        """The same wall-clock time (and tzinfo) on ``add_workdays(moment.date(), n)``."""
        target = self.add_workdays(moment.date(), n)
        return moment.replace(year=target.year, month=target.month, day=target.day)

    def add_working_hours(self, moment: datetime, hours: HoursAmount) -> datetime:
        """The aware moment after ``hours`` of working time, counted from ``moment``.

        Working time is the ``hours`` schedule on working days, read as wall-clock time in the
        moment's own timezone (convert to the company's zone first). A moment outside working
        time starts at the next working period; an amount used up exactly at a period's end
        gives that end (Friday 16:30 + 1 h = Friday 17:30). Negative amounts go backwards.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("add_working_hours needs a timezone-aware datetime")
        amount = to_timedelta(hours)
        wall = moment.replace(tzinfo=None)
        if amount >= timedelta(0):
            result = self._forward(wall, amount)
        else:
            result = self._backward(wall, -amount)
        return result.replace(tzinfo=moment.tzinfo)

    def _forward(self, wall: datetime, amount: timedelta) -> datetime:
        day, schedule = wall.date(), self.hours
        if self.is_workday(day):
            spent = schedule.forward(wall.time(), amount)
            if isinstance(spent, time):
                return datetime.combine(day, spent)
            amount = spent
        if amount <= timedelta(0):
            return datetime.combine(self.add_workdays(day, 1), schedule.day_start)
        full_days, rest = _split_days(amount, schedule.daily)
        final = self.add_workdays(day, full_days + 1)
        return datetime.combine(final, _as_time(schedule.forward(schedule.day_start, rest)))

    def _backward(self, wall: datetime, amount: timedelta) -> datetime:
        day, schedule = wall.date(), self.hours
        if self.is_workday(day):
            spent = schedule.backward(wall.time(), amount)
            if isinstance(spent, time):
                return datetime.combine(day, spent)
            amount = spent
        if amount <= timedelta(0):
            return datetime.combine(self.add_workdays(day, -1), schedule.day_end)
        full_days, rest = _split_days(amount, schedule.daily)
        final = self.add_workdays(day, -(full_days + 1))
        return datetime.combine(final, _as_time(schedule.backward(schedule.day_end, rest)))

    # -- per-year cache -------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        if self.covers(year):
            members = {d.toordinal() for d in self.source.workdays(year)}
        else:
            weekend = self.source.weekend
            members = {
                o for o in range(first, last + 1) if date.fromordinal(o).weekday() not in weekend
            }
        members |= {d.toordinal() for d in self.extra_workdays if d.year == year}
        members -= {d.toordinal() for d in self.closures if d.year == year}
        return _Year(ordinals=tuple(sorted(members)), members=frozenset(members))

    @staticmethod
    def _step(year: int, direction: int) -> int:
        year += direction
        if not MINYEAR <= year <= MAXYEAR:
            raise CalendarError("working-day arithmetic ran past the supported date range")
        return year


def _split_days(amount: timedelta, daily: timedelta) -> tuple[int, timedelta]:
    """Split ``amount`` (> 0) into whole days and a rest in ``(0, daily]``."""
    full_days = (amount - _MICROSECOND) // daily
    return full_days, amount - full_days * daily


def _as_time(spent: time | timedelta) -> time:
    if not isinstance(spent, time):  # a rest <= one day's hours always fits into a day
        raise AssertionError("working-hour rest did not fit into one working day")
    return spent


def _as_dates(values: Iterable[date], what: str) -> frozenset[date]:
    result: set[date] = set()
    for value in values:
        if not isinstance(value, date):
            raise CalendarError(f"{what} must be dates, got {value!r}")
        result.add(date.fromordinal(value.toordinal()))  # a datetime counts as its date
    return frozenset(result)


def get_calendar(
    code: str = "CN",
    *,
    closures: Iterable[date] = (),
    extra_workdays: Iterable[date] = (),
    hours: WorkingHours = DEFAULT_WORKING_HOURS,
) -> WorkCalendar:
    """The working-day calendar for ``code`` with the company's own adjustments.

    ``code``: ``CN`` (default, PRC statutory calendar with make-up working days) or any country
    code of the ``holidays`` package, optionally with an ISO 3166-2 subdivision (``DE-BY``).
    ``closures``: extra non-working dates of the company; ``extra_workdays``: dates the company
    works although the calendar says otherwise. Unknown code → ``CalendarError``. Calendars are
    cached per arguments, so calling this often is cheap.
    """
    return _cached_calendar(
        code.strip().upper(),
        _as_dates(closures, "closures"),
        _as_dates(extra_workdays, "extra working days"),
        hours,
    )


@lru_cache(maxsize=64)
def _cached_calendar(
    code: str,
    closures: frozenset[date],
    extra_workdays: frozenset[date],
    hours: WorkingHours,
) -> WorkCalendar:
    return WorkCalendar(
        source=source_for(code),
        closures=closures,
        extra_workdays=extra_workdays,
        hours=hours,
    )
