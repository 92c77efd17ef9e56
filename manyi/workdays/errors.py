"""Errors raised by the working-day calendar."""

from __future__ import annotations


class CalendarError(ValueError):
    """Invalid calendar input: unknown calendar code, malformed schedule or argument.

    A ``ValueError`` subclass, so callers that already handle ``ValueError`` keep working.
    A year that the statutory data does not cover is *not* an error (see ``WorkCalendar.covers``).
    """


class UnknownCalendarError(CalendarError):
    """The calendar code is neither ``CN`` nor a code the ``holidays`` package knows."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"unknown calendar {code!r}: {reason}")
        self.code = code
