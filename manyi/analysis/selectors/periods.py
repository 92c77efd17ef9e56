"""Calendar months of the monthly charts (the company's time zone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from manyi.common.calendar import local_tz

from ..constants import MONTHS_DEFAULT


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        year, m = divmod(index, 12)
        return cls(year, m + 1)

    @classmethod
    def parse(cls, text: str | None) -> Month | None:
        """"2025-03" → Month(2025, 3); anything else → None."""
        try:
            year, month = (int(x) for x in (text or "").split("-"))
        except ValueError:
            return None
        return cls(year, month) if 1 <= month <= 12 and 1900 < year < 3000 else None

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def start(self) -> dt.datetime:
        """The month's first moment in the company's time zone."""
        return dt.datetime(self.year, self.month, 1, tzinfo=local_tz())

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def __str__(self) -> str:
        return self.label


def month_range(first: Month, last: Month) -> list[Month]:
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]


def default_window(today: dt.date | None = None, months: int = MONTHS_DEFAULT
                   ) -> tuple[Month, Month]:
    """The last `months` complete months before the current one."""
    today = today or timezone.localdate()
    last = Month.of(today).plus(-1)
    return last.plus(-(months - 1)), last


def window(start: str | None, end: str | None, today: dt.date | None = None
           ) -> tuple[Month, Month]:
    """Months from the request (YYYY-MM), defaulting to the last complete 24; at most 120."""
    _first, d_last = default_window(today)
    last = Month.parse(end) or d_last
    first = Month.parse(start) or last.plus(-(MONTHS_DEFAULT - 1))
    if first > last:
        first, last = last, first
    if last.index - first.index >= 120:
        first = last.plus(-119)
    return first, last
