"""Working-day calendar of Manyi — pure Python, no Django.

>>> from datetime import date
>>> cal = get_calendar("CN")
>>> cal.add_workdays(date(2025, 9, 30), 1)  # National Day holiday 2025-10-01..08
datetime.date(2025, 10, 9)

See ``workcalendar`` for the conventions and docs/decisions/0004-working-day-calendar.md.
"""

from .errors import CalendarError, UnknownCalendarError
from .hours import DEFAULT_WORKING_HOURS, HoursAmount, WorkingHours
from .messages import coverage_warning
from .workcalendar import WorkCalendar, get_calendar

__all__ = [
    "DEFAULT_WORKING_HOURS",
    "CalendarError",
    "HoursAmount",
    "UnknownCalendarError",
    "WorkCalendar",
    "WorkingHours",
    "coverage_warning",
    "get_calendar",
]
