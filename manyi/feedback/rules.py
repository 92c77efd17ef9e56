"""The rules of the feedback procedure, each in one place (SPEC §3, 000 §4.1.2).

`settings.MANYI_FEEDBACK_ANSWER_WORKDAYS` (default 2) sets how many working days the
assigned department has to answer an inquiry that could not be answered at once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from manyi.common.calendar import deadline_in_workdays

DEFAULT_ANSWER_WORKDAYS = 2
NUMBER_PREFIX = "FB"  # 顾客意见登记 FB<year>-<seq>
PRAISE_PREFIX = "TB"  # 通报表扬 TB<year>-<seq>


def answer_workdays() -> int:
    return int(getattr(settings, "MANYI_FEEDBACK_ANSWER_WORKDAYS", DEFAULT_ANSWER_WORKDAYS))


def answer_due(start: dt.datetime, workdays: int | None = None) -> dt.datetime:
    """When an assigned inquiry must be answered: `workdays` working days after `start`
    (same clock time), counted on the company calendar."""
    return deadline_in_workdays(start, answer_workdays() if workdays is None else workdays)
