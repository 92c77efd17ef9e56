"""Input of the analysis pages and API (one form each)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Measure
from .models import BandSet, Method, ProblemStatus


class ScoringForm(forms.Form):
    methods = forms.MultipleChoiceField(
        label=_("scoring methods"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    self_weight = forms.DecimalField(label=_("self-evaluation weight (blend)"),
                                     min_value=Decimal(0), max_value=Decimal(1),
                                     decimal_places=2, initial=Decimal("0.40"))
    ka_weight = forms.DecimalField(label=_("key-account weight (top-2-box)"),
                                   min_value=Decimal(2), max_value=Decimal(100),
                                   decimal_places=2, initial=Decimal(2))
    rate_above = forms.DecimalField(label=_("satisfied customer scores above"),
                                    min_value=Decimal(0), max_value=Decimal(100),
                                    decimal_places=2, initial=Decimal(80))
    loyalty_above = forms.DecimalField(label=_("loyal customer scores above"),
                                       min_value=Decimal(0), max_value=Decimal(100),
                                       decimal_places=2, initial=Decimal(90))
    bands = forms.ChoiceField(label=_("grade bands"), choices=BandSet.choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("rate_above"), data.get("loyalty_above")
        if low is not None and high is not None and high < low:
            self.add_error("loyalty_above", _("Must not be below the satisfied threshold."))
        return data


class TargetForm(forms.Form):
    measure = forms.ChoiceField(label=_("measure"), choices=Measure.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("target"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class ProblemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProblemStatus.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
