"""Validators every module shares, applied on the model fields so forms (ModelForm →
full_clean), services (record_create / record_update → full_clean), the API (through the
services) and the import (each cell through the field's validators) refuse the same input
with a message on the same field."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: free text written by a person: a note, a description, an answer (about ten pages)
TEXT_MAX_CHARS = 20_000
#: a short free text: a reason, an instruction, a list of attendees
SHORT_TEXT_MAX_CHARS = 2_000
#: a date that happened ("received on") may be at most this many days after today (a record
#: entered just after midnight in another time zone), never in a later year by mistake
FUTURE_TOLERANCE_DAYS = 1


def text_max(limit: int = TEXT_MAX_CHARS) -> MaxLengthValidator:
    """The length limit of a free-text field (Django's message names the length)."""
    return MaxLengthValidator(limit)


@deconstructible
class NotInFutureValidator:
    """A date that has happened: at most FUTURE_TOLERANCE_DAYS after today in the company's
    time zone (settings.TIME_ZONE)."""

    message = _("%(date)s is in the future: the date may be at most one day after today "
                "(%(today)s).")
    code = "future_date"

    def __call__(self, value: dt.date | dt.datetime) -> None:
        today = timezone.localdate()
        day = timezone.localtime(value).date() if isinstance(value, dt.datetime) \
            and timezone.is_aware(value) else (value.date() if isinstance(value, dt.datetime)
                                               else value)
        if day > today + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
            raise ValidationError(
                self.message, code=self.code,
                params={"date": day.isoformat(), "today": today.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotInFutureValidator)

    def __hash__(self) -> int:
        return hash(self.code)


not_in_future = NotInFutureValidator()
