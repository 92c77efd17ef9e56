"""Daily working-hours schedule and the arithmetic inside one working day.

Times are wall-clock times of the day; offsets are ``timedelta`` since midnight.
Periods are closed intervals ``[start, end]``: a moment exactly at a period's end is still
"in" the period (adding 0 hours leaves it there), and a positive amount that is used up exactly
at a period's end yields that end, not the start of the next period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .errors import CalendarError

Period = tuple[time, time]
HoursAmount = float | int | Decimal | timedelta

_MICROSECONDS_PER_HOUR = 3_600_000_000


def time_offset(t: time) -> timedelta:
    """Offset of a wall-clock time from midnight."""
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def offset_time(offset: timedelta) -> time:
    """Wall-clock time at ``offset`` (0 <= offset < 24 h) after midnight."""
    total = offset // timedelta(microseconds=1)
    seconds, micro = divmod(total, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, sec, micro)


def to_timedelta(hours: HoursAmount) -> timedelta:
    """Convert an amount of hours (number or ``timedelta``) to a ``timedelta`` (microseconds)."""
    if isinstance(hours, timedelta):
        return hours
    if isinstance(hours, bool) or not isinstance(hours, (int, float, Decimal)):
        raise CalendarError(f"hours must be a number or a timedelta, not {type(hours).__name__}")
    if isinstance(hours, int):
        return timedelta(hours=hours)
    if isinstance(hours, float):
        if not math.isfinite(hours):
            raise CalendarError(f"hours must be finite, got {hours!r}")
        return timedelta(microseconds=round(hours * _MICROSECONDS_PER_HOUR))
    try:
        micro = (hours * _MICROSECONDS_PER_HOUR).to_integral_value(ROUND_HALF_EVEN)
        return timedelta(microseconds=int(micro))
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise CalendarError(f"hours must be finite, got {hours!r}") from exc


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """The working periods of every working day, e.g. 08:30–12:00 and 13:00–17:30.

    ``periods`` must be non-empty, ordered, non-overlapping, each with start < end, and use
    naive ``time`` values (they are read in the timezone of the moment being shifted).
    """

    periods: tuple[Period, ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("working hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise CalendarError("working-hour periods use naive times (no tzinfo)")
            if not start < end:
                raise CalendarError(f"working-hour period {start}–{end} must start before it ends")
            if previous_end is not None and start < previous_end:
                raise CalendarError(
                    f"working-hour period {start}–{end} overlaps or precedes the previous one"
                )
            previous_end = end

    @property
    def daily(self) -> timedelta:
        """Working time of one full working day (8 h for the default schedule)."""
        return sum((time_offset(e) - time_offset(s) for s, e in self.periods), timedelta())

    @property
    def day_start(self) -> time:
        return self.periods[0][0]

    @property
    def day_end(self) -> time:
        return self.periods[-1][1]

    def forward(self, at: time, amount: timedelta) -> time | timedelta:
        """Spend ``amount`` (>= 0) of working time on one day, starting at ``at``.

        Returns the wall-clock time where it is used up, or the part left over (> 0, or 0 when
        ``at`` lies after the day's last period) to carry to the next working day.
        """
        position = time_offset(at)
        for start, end in self.periods:
            s, e = time_offset(start), time_offset(end)
            if position > e:
                continue
            begin = max(position, s)
            available = e - begin
            if amount <= available:
                return offset_time(begin + amount)
            amount -= available
        return amount

    def backward(self, at: time, amount: timedelta) -> time | timedelta:
        """Mirror of ``forward``: spend ``amount`` (>= 0) going back from ``at``."""
        position = time_offset(at)
        for start, end in reversed(self.periods):
            s, e = time_offset(start), time_offset(end)
            if position < s:
                continue
            finish = min(position, e)
            available = finish - s
            if amount <= available:
                return offset_time(finish - amount)
            amount -= available
        return amount


DEFAULT_WORKING_HOURS = WorkingHours(
    periods=((time(8, 30), time(12, 0)), (time(13, 0), time(17, 30))),
)
