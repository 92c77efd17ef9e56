"""The filter base: typed reading of a list page's (or the API's) query parameters.

Every app's `filters.py` declares one frozen dataclass per list (`CustomerFilter`,
`ComplaintFilter`…) with `from_params(params)` and `apply(queryset)`; the page and the API use
the same one. `from_params` reads each parameter through `FilterParams`, so every list is as
tolerant as every other: a value that cannot be read (a word where a number belongs, a date
that does not exist, a choice that is not offered) counts as "not given", never as an error.

    p = FilterParams(request.GET)
    CustomerFilter(q=p.text("q"), region=p.id("region"), key_account=p.flag("key_account"),
                   level=p.choice("level", CustomerLevel), sort=p.sort("sort", SORTS, "code"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.db import models

from manyi.common.calendar import local_tz
from manyi.common.inputs import parse_id, parse_int

TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false"})

Choices = type[models.Choices] | Collection[str]


def parse_flag(value: Any) -> bool | None:
    """'1' / 'true' / 'yes' → True, '0' / 'false' → False (any case), anything else → None."""
    text = str(value or "").lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def parse_date(value: Any) -> dt.date | None:
    """An ISO date ('2026-07-01'), else None."""
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def parse_choice(value: Any, choices: Choices, default: str = "") -> str:
    """The value when it is one of `choices` (a Django choices class or a set of strings), else
    `default`."""
    allowed = choices.values if isinstance(choices, type) else choices
    text = str(value or "")
    return text if text in allowed else default


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the company's time zone (the bound of a date filter on
    a datetime column)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


class FilterParams:
    """Read typed values from a QueryDict (or any mapping with `.get`)."""

    def __init__(self, params: Mapping[str, Any] | Any, *, strip: bool = False) -> None:
        self.params = params
        self.strip = strip  # strip blanks from every value before reading it

    def raw(self, name: str) -> str:
        text = str(self.params.get(name) or "")
        return text.strip() if self.strip else text

    def text(self, name: str, *, max_length: int | None = None) -> str:
        """Free text (a search box), blanks stripped."""
        text = self.raw(name).strip()
        return text[:max_length] if max_length is not None else text

    def id(self, name: str) -> int | None:
        return parse_id(self.raw(name))

    def number(self, name: str, default: int, *, lo: int, hi: int) -> int:
        return parse_int(self.raw(name), default, lo=lo, hi=hi)

    def flag(self, name: str) -> bool | None:
        return parse_flag(self.raw(name))

    def date(self, name: str) -> dt.date | None:
        return parse_date(self.raw(name))

    def iso_date(self, name: str) -> str:
        """The date as an ISO string, or '' (for filters that keep dates as text)."""
        day = self.date(name)
        return day.isoformat() if day else ""

    def choice(self, name: str, choices: Choices, default: str = "") -> str:
        return parse_choice(self.raw(name), choices, default)

    def sort(self, name: str, sorts: Collection[str], default: str) -> str:
        """One of the list's sort keys; the default when missing or unknown."""
        return parse_choice(self.raw(name) or default, sorts, default)
