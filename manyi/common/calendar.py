"""The company's working-day calendar: the statutory calendar (settings.MANYI_CALENDAR, CN by
default) plus the closures and extra working days configured in the admin.

Every deadline in Manyi is computed through `company_calendar()`; the arithmetic itself is in
the pure core (`manyi.workdays`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from manyi.workdays import WorkCalendar, get_calendar


def company_calendar(code: str | None = None) -> WorkCalendar:
    from .models import CompanyClosure

    rows = list(CompanyClosure.objects.values_list("date", "working"))
    return get_calendar(
        code or str(getattr(settings, "MANYI_CALENDAR", "CN")),
        closures=[d for d, working in rows if not working],
        extra_workdays=[d for d, working in rows if working],
    )


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def deadline_in_workdays(start: dt.datetime, days: int) -> dt.datetime:
    """The same local clock time `days` working days after `start` (aware datetime)."""
    local = timezone.localtime(start, local_tz())
    return company_calendar().add_workdays_at(local, days)


def deadline_in_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    local = timezone.localtime(start, local_tz())
    return company_calendar().add_working_hours(local, hours)


def calendar_warnings(start: dt.date, end: dt.date) -> tuple[str, ...]:
    """Warnings (zh + en) when a span touches years the statutory data does not cover."""
    return company_calendar().warnings_for(start, end)
