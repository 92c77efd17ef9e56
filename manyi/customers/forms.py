"""Input parsing for customers, contacts and orders (the same forms serve the UI and the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department, DepartmentKind

from .models import Contact, Customer, Order


class VersionedForm(forms.ModelForm):
    """Carries the version the user started editing, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def model_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _dept_field(form: forms.ModelForm, name: str, kind: str) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = Department.objects.filter(kind=kind, active=True).order_by("code")


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "kind",
            "address",
            "phone",
            "region",
            "branch_office",
            "business_unit",
            "level",
            "customer_class",
            "key_account",
            "annual_revenue",
            "status",
            "dealer",
            "product_lines",
            "competitors",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "product_lines": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dept_field(self, "region", DepartmentKind.REGION)
        _dept_field(self, "branch_office", DepartmentKind.BRANCH_OFFICE)
        _dept_field(self, "business_unit", DepartmentKind.BUSINESS_UNIT)
        dealer = self.fields["dealer"]
        if isinstance(dealer, forms.ModelChoiceField):
            dealer.queryset = Customer.objects.filter(
                kind__in=["dealer", "agent"], archived_at__isnull=True
            )


class ContactForm(VersionedForm):
    class Meta:
        model = Contact
        fields = [
            "customer",
            "name",
            "function",
            "decision_class",
            "title",
            "phone",
            "email",
            "language",
        ]


class OrderForm(VersionedForm):
    class Meta:
        model = Order
        fields = [
            "number",
            "customer",
            "order_date",
            "product",
            "batch_number",
            "quantity",
            "promised_date",
            "delivered_date",
            "split_delivery",
            "extra_freight",
            "defects",
            "returned",
        ]
        widgets = {
            "order_date": forms.DateInput(attrs={"type": "date"}),
            "promised_date": forms.DateInput(attrs={"type": "date"}),
            "delivered_date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        qty = data.get("quantity")
        for name in ("defects", "returned"):
            value = data.get(name)
            if qty is not None and value is not None and value > qty:
                self.add_error(name, _("Cannot exceed the quantity (%(q)s).") % {"q": qty})
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    skip_bad_rows = forms.BooleanField(label=_("Import the good rows, report the bad ones"),
                                       required=False)
