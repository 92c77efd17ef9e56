from __future__ import annotations

import pytest

from manyi.workdays import WorkCalendar, get_calendar


@pytest.fixture
def cn() -> WorkCalendar:
    return get_calendar("CN")
