"""The services' idea of "now": every module of the package asks `clock.now()` (one place the
tests' `clock` fixture patches)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
