"""Input parsing for the register (the same forms serve the UI and the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.inputs import parse_id
from manyi.customers.models import Contact, Customer

from .models import FeedbackEntry, PraiseNotice

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _departments() -> Any:
    return Department.objects.filter(active=True).order_by("kind", "code")


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("username")


class VersionedForm(forms.ModelForm):
    """Carries the version the user started editing, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def model_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _limit_choices(form: Any, customers: Any) -> None:
    """Customer limited to the customers the user may see; contact to that customer's."""
    customer_field = form.fields["customer"]
    customer_field.queryset = customers
    customer_field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("feedback:contact_options"),
            "hx-target": "#id_contact",
            "hx-trigger": "change",
        }
    )
    raw = form.data.get("customer") if form.data else None
    if raw is None:
        raw = form.initial.get("customer") or getattr(form.instance, "customer_id", None)
    raw = getattr(raw, "pk", raw)
    contacts = Contact.objects.none()
    if (customer_id := parse_id(raw)) is not None:
        contacts = Contact.objects.filter(customer_id=customer_id, archived_at__isnull=True)
    form.fields["contact"].queryset = contacts


class FeedbackEntryForm(forms.ModelForm):
    """New register entry: what was received, plus how it is dealt with."""

    answer = forms.CharField(
        label=_("Answer given at once"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for an inquiry that is assigned and answered later."),
    )
    assigned_department = forms.ModelChoiceField(
        label=_("Assign to department"), queryset=Department.objects.none(), required=False
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to person"), queryset=Department.objects.none(), required=False
    )
    handed_over_to = forms.CharField(
        label=_("Handed over to (reference)"),
        required=False,
        max_length=100,
        help_text=_("Complaint or claim: the case number, if already known."),
    )

    class Meta:
        model = FeedbackEntry
        fields = [
            "received_at",
            "channel",
            "kind",
            "customer",
            "contact",
            "contact_name",
            "contact_phone",
            "subject",
            "text",
        ]
        widgets = {"received_at": DATETIME_INPUT, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, customers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].required = False
        fields: dict[str, Any] = self.fields
        fields["assigned_department"].queryset = _departments()
        fields["assigned_to"].queryset = _users()
        _limit_choices(self, customers if customers is not None else Customer.objects.all())

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FeedbackEditForm(VersionedForm):
    class Meta:
        model = FeedbackEntry
        fields = [
            "received_at",
            "channel",
            "customer",
            "contact",
            "contact_name",
            "contact_phone",
            "subject",
            "text",
        ]
        widgets = {"received_at": DATETIME_INPUT, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, customers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_choices(self, customers if customers is not None else Customer.objects.all())


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(forms.Form):
    assigned_department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Person"), queryset=Department.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_department"].queryset = _departments()  # type: ignore[attr-defined]
        self.fields["assigned_to"].queryset = _users()  # type: ignore[attr-defined]


class ReferenceForm(forms.Form):
    handed_over_to = forms.CharField(label=_("Case number"), max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PraiseNoticeForm(forms.ModelForm):
    class Meta:
        model = PraiseNotice
        fields = ["entry", "customer", "aspect", "department", "person", "text"]
        widgets = {"entry": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, customers: Any = None, entries: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()  # type: ignore[attr-defined]
        self.fields["person"].queryset = _users()  # type: ignore[attr-defined]
        if customers is not None:
            self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        if entries is not None:
            self.fields["entry"].queryset = entries  # type: ignore[attr-defined]
