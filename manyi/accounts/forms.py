"""Input of the profile page: a new API token (name and expiry)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TOKEN_EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in one year")),
    ("never", pgettext_lazy("API token expiry", "never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="api")
    expires_in = forms.ChoiceField(label=_("Expires"), choices=TOKEN_EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> datetime | None:
        value = self.cleaned_data["expires_in"]
        if value == "never":
            return None
        return timezone.now() + timedelta(days=int(value))
