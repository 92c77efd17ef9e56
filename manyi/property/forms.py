"""Input parsing for the property records (the same forms serve the UI and the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.inputs import parse_id
from manyi.customers.models import Contact, Customer

from .models import Condition, CustomerProperty, DamageKind, ExternalDocument
from .services import ITEM_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _departments() -> Any:
    return Department.objects.filter(active=True).order_by("kind", "code")


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("username")


def _contacts_of(customer_id: Any) -> Any:
    if (pk := parse_id(customer_id)) is not None:
        return Contact.objects.filter(customer_id=pk, archived_at__isnull=True)
    return Contact.objects.none()


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def model_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PropertyForm(VersionedForm):
    """Receiving (new) or correcting (edit) a ledger entry."""

    class Meta:
        model = CustomerProperty
        fields = list(ITEM_FIELDS)  # the service's fields, declared once
        widgets = {"received_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "holding_department": _(
                "Leave empty: samples go to production, drawings to engineering, documents "
                "and measuring equipment to quality."
            )
        }

    def __init__(self, *args: Any, customers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["customer"].queryset = customers if customers is not None else (
            Customer.objects.filter(archived_at__isnull=True)
        )
        fields["holding_department"].queryset = _departments()
        fields["holding_department"].required = False
        fields["holder"].queryset = _users()
        raw = self.data.get("customer") if self.data else None
        if raw is None:
            raw = self.initial.get("customer") or self.instance.customer_id
        fields["contact"].queryset = _contacts_of(getattr(raw, "pk", raw))
        if self.instance.pk:  # where it is changes by movements, whose it is never
            for name in ("customer", "holding_department", "holder"):
                fields[name].disabled = True


class IssueForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("To person"), queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["department"].queryset = _departments()
        fields["person"].queryset = _users()


class ReturnToCustomerForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LoanForm(forms.Form):
    borrower = forms.ModelChoiceField(label=_("Borrower"), queryset=Department.objects.none())
    department = forms.ModelChoiceField(
        label=_("Borrowing department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Empty: the borrower's department."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    customer_consent = forms.BooleanField(label=_("Customer agreed"), required=False)
    lent_at = forms.DateTimeField(label=_("Lent at"), required=False, widget=DATETIME_INPUT)
    due_workdays = forms.IntegerField(
        label=_("Return within (working days)"), min_value=1, max_value=250, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["borrower"].queryset = _users()
        fields["department"].queryset = _departments()


class LoanReturnForm(forms.Form):
    returned_at = forms.DateTimeField(label=_("Returned at"), required=False,
                                      widget=DATETIME_INPUT)
    return_condition = forms.ChoiceField(
        label=_("Condition on return"), choices=Condition.choices, initial=Condition.INTACT
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(VersionedForm):
    class Meta:
        model = ExternalDocument
        fields = [
            "customer",
            "item",
            "doc_type",
            "doc_number",
            "revision",
            "title",
            "received_on",
            "distributed_to",
            "copies",
            "notes",
        ]
        widgets = {
            "received_on": DATE_INPUT,
            "distributed_to": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, customers: Any = None, items: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        if customers is not None:
            fields["customer"].queryset = customers
        if items is not None:
            fields["item"].queryset = items
        fields["distributed_to"].queryset = _departments().exclude(
            kind__in=["region", "branch_office"]
        )
        if self.instance.pk:
            fields["customer"].disabled = True

    def model_data(self) -> dict[str, Any]:
        data = super().model_data()
        data.pop("distributed_to", None)
        return data


class DamageReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Damage or loss"), choices=DamageKind.choices)
    occurred_on = forms.DateField(label=_("Date of the event"), widget=DATE_INPUT)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(
        attrs={"rows": 4}))
    immediate_action = forms.CharField(
        label=_("Immediate remedy"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    found_by = forms.ModelChoiceField(
        label=_("Found by"), queryset=Department.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Report to (customer's contact)"), queryset=Contact.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, item: CustomerProperty | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["found_by"].queryset = _users()
        if item is not None:
            fields["contact"].queryset = _contacts_of(item.customer_id)


class ReplyForm(forms.Form):
    customer_reply = forms.CharField(label=_("Customer's reply"),
                                     widget=forms.Textarea(attrs={"rows": 3}))
    reply_received_on = forms.DateField(label=_("Received on"), required=False,
                                        widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File / photo"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
