"""Input parsing for templates and campaigns (the same forms serve the UI and the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department, DepartmentKind, User
from manyi.customers.models import CustomerClass, CustomerLevel

from .models import (
    Campaign,
    ItemLevel,
    ResponseChannel,
    Scale,
    SurveyTemplate,
    TemplateStatus,
    VerifyStatus,
)


class TemplateMetaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SurveyTemplate
        fields = ["name", "name_en", "intro", "intro_en", "competitor_block"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}),
                   "intro_en": forms.Textarea(attrs={"rows": 3})}


class TemplateCopyForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)


class TemplateImportForm(forms.Form):
    file = forms.FileField(label=_("file (.json or .xlsx)"))


class ItemForm(forms.Form):
    key = forms.CharField(label=_("key"), max_length=30)
    parent = forms.ChoiceField(label=_("parent"), required=False)
    level = forms.ChoiceField(label=_("level"), choices=ItemLevel.choices)
    text = forms.CharField(label=_("question (Chinese)"), max_length=500)
    text_en = forms.CharField(label=_("question (English)"), max_length=500)
    scale = forms.ChoiceField(label=_("scale"), choices=Scale.choices)
    max_points = forms.IntegerField(label=_("item maximum"), required=False, min_value=1,
                                    max_value=1000)
    weight = forms.DecimalField(label=_("weight"), max_digits=6, decimal_places=2, min_value=0,
                                initial=1)
    competitor = forms.BooleanField(label=_("also rated for the competitor"), required=False)

    def __init__(self, *args: Any, template: SurveyTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = [("", "—")] + [
            (i.key, f"{i.key} {i.text}") for i in template.items.order_by("position")
        ]
        self.fields["parent"].choices = parents  # type: ignore[attr-defined]


class CampaignForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rule_levels_list = forms.MultipleChoiceField(
        label=_("customer levels"), choices=CustomerLevel.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rule_classes_list = forms.MultipleChoiceField(
        label=_("customer classes"), choices=CustomerClass.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(
        label=_("start date"), required=False,
        help_text=_("Empty: the first working day of the period's last month (004 §6.1.2)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Campaign
        fields = [
            "title", "template", "kind", "period_year", "period", "reason", "owner",
            "start_date", "rule_business_units", "rule_key_accounts_only", "rule_coverage",
            "min_return_rate", "min_forms", "min_competitor_forms", "reminder_interval",
            "reminder_max", "link_valid_days", "verify_percent", "verify_seed", "auto_complaint",
        ]
        widgets = {"rule_business_units": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        template = f["template"]
        if isinstance(template, forms.ModelChoiceField):
            template.queryset = SurveyTemplate.objects.filter(status=TemplateStatus.PUBLISHED)
        bus = f["rule_business_units"]
        if isinstance(bus, forms.ModelMultipleChoiceField):
            bus.queryset = Department.objects.filter(kind=DepartmentKind.BUSINESS_UNIT)
        owner = f["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = User.objects.filter(is_active=True).order_by("username")
        if self.instance.pk:
            f["version"].initial = self.instance.version
            f["rule_levels_list"].initial = [x for x in self.instance.rule_levels.split(",") if x]
            f["rule_classes_list"].initial = list(self.instance.rule_classes)

    def model_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items()
                if k not in ("version", "rule_levels_list", "rule_classes_list")}
        data["rule_levels"] = ",".join(self.cleaned_data.get("rule_levels_list") or [])
        data["rule_classes"] = "".join(self.cleaned_data.get("rule_classes_list") or [])
        return data


class StaffEntryForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("returned by"),
        choices=[(c.value, c.label) for c in ResponseChannel if c.value not in ("web", "staff")],
    )
    confirm_customer_words = forms.BooleanField(
        label=_("I filled in exactly what the customer said, without changing it"),
        required=False,
    )
    proxy_note = forms.CharField(label=_("proxy note (how and when the customer answered)"),
                                 max_length=300, required=False)
    competitor_name = forms.CharField(label=_("competitor"), max_length=120, required=False)


class VerifyForm(forms.Form):
    verify_status = forms.ChoiceField(
        label=_("call-back result"),
        choices=[(c.value, c.label) for c in VerifyStatus if c.value not in ("", "pending")],
    )
    verify_note = forms.CharField(label=_("note"), max_length=300, required=False)
