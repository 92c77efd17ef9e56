"""Input parsing for claims: one form per step serves the detail page and the API.

The forms parse (dates, amounts, choices); the rules of a step (what must be filled in before
it may happen) are the guards in workflow.py, whose errors name the same fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department, User
from manyi.accounts.types import Viewer
from manyi.common.inputs import parse_id
from manyi.customers.models import Contact, Customer, Order, Product

from .compensation import Line
from .models import (
    PANEL_DEFAULT_DEPARTMENTS,
    Claim,
    LineKind,
    PanelFunction,
    RoundAnswer,
    SupplierRecourse,
)
from .services import PanelEntry
from .workflow import Liability

ZERO = Decimal("0")
HANDLER_ROLES = ("sales_manager", "sales_clerk", "branch_manager")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money_field(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=ZERO, max_digits=14, decimal_places=2
    )


def _text(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# --- the claim itself -----------------------------------------------------------------------


def handler_queryset() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, roles__code__in=HANDLER_ROLES)
        .distinct()
        .order_by("username")
    )


class ClaimForm(forms.ModelForm):
    """Register a claim, or edit it while the documents are collected. The order is given by
    its number (there are too many orders for a list)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order_number = forms.CharField(label=_("Order number"), max_length=40, required=False)

    class Meta:
        model = Claim
        fields = [
            "customer",
            "received_on",
            "contact",
            "product",
            "batch_number",
            "handler",
            "description",
            "demand",
            "claimed_amount",
            "complaint_reference",
        ]
        widgets = {
            "received_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "demand": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, customers: QuerySet[Customer] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        if editing:
            del self.fields["customer"]
            del self.fields["received_on"]
            self.fields["version"].initial = self.instance.version
            if self.instance.order_id:
                self.fields["order_number"].initial = self.instance.order.number
            customer_id: Any = self.instance.customer_id
        else:
            field = self.fields["customer"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = customers if customers is not None else Customer.objects.none()
            field.widget.attrs["data-reload"] = "1"
            customer_id = self.data.get("customer") or self.initial.get("customer")
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ModelChoiceField)
        customer_pk = parse_id(getattr(customer_id, "pk", customer_id))
        contact.queryset = (
            Contact.objects.filter(customer_id=customer_pk, archived_at__isnull=True)
            if customer_pk is not None
            else Contact.objects.none()
        )
        product = self.fields["product"]
        assert isinstance(product, forms.ModelChoiceField)
        product.queryset = Product.objects.filter(archived_at__isnull=True)
        handler = self.fields["handler"]
        assert isinstance(handler, forms.ModelChoiceField)
        handler.queryset = handler_queryset()
        handler.required = False
        self.fields["claimed_amount"].widget.attrs["step"] = "0.01"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("order_number") or "").strip()
        customer = data.get("customer") or (self.instance.customer if self.instance.pk else None)
        data["order"] = None
        if number and customer is not None:
            order = Order.objects.filter(number=number, customer=customer).first()
            if order is None:
                self.add_error("order_number", _("No order with this number for this customer."))
            else:
                data["order"] = order
                if not data.get("product"):
                    data["product"] = order.product
                if not data.get("batch_number"):
                    data["batch_number"] = order.batch_number
        return data

    def model_data(self) -> dict[str, Any]:
        skip = {"version", "order_number"}
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        if self.instance.pk:
            data.pop("customer", None)
            data.pop("received_on", None)
            if data.get("handler") is None:
                data.pop("handler", None)
        return data


# --- the steps ------------------------------------------------------------------------------


class SubmitForm(VersionMixin):
    pass


class NoteForm(VersionMixin):
    note = _text(_("Note"), rows=2)


class ProposeForm(VersionMixin):
    preliminary_analysis = _text(_("Preliminary analysis"), rows=4)
    proposal = _text(_("Proposal to the customer"), rows=3)
    proposed_amount = _money_field(_("Proposed amount (CNY)"))


class AgreeForm(NoteForm):
    pass


class DetermineForm(VersionMixin):
    """The liability panel: one department and/or person per function (003 §4.2.4)."""

    liability = forms.ChoiceField(label=_("Liability"),
                                  choices=[("", "–"), *Liability.choices])
    liability_decision = _text(_("Panel's decision"), rows=3)
    liability_decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DATE)
    company_share_percent = forms.DecimalField(
        label=_("Our share (%) if shared"),
        required=False,
        min_value=ZERO,
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
    )
    supplier_name = forms.CharField(label=_("Supplier, if the supplier's"), required=False,
                                    max_length=200)

    FUNCTIONS = list(PanelFunction.values)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        depts = Department.objects.filter(active=True).order_by("kind", "code")
        users = User.objects.filter(is_active=True).order_by("username")
        defaults = {
            d.code: d.pk
            for d in Department.objects.filter(code__in=PANEL_DEFAULT_DEPARTMENTS.values())
        }
        for function in self.FUNCTIONS:
            label = PanelFunction(function).label
            self.fields[f"panel_{function}_department"] = forms.ModelChoiceField(
                label=_("%(f)s: department") % {"f": label},
                queryset=depts,
                required=False,
                initial=defaults.get(PANEL_DEFAULT_DEPARTMENTS.get(function, "")),
            )
            self.fields[f"panel_{function}_user"] = forms.ModelChoiceField(
                label=_("%(f)s: person") % {"f": label}, queryset=users, required=False
            )

    def panel_fields(self) -> list[tuple[Any, Any, Any]]:
        """(function, department field, person field) per row of the panel table."""
        return [
            (PanelFunction(f).label, self[f"panel_{f}_department"], self[f"panel_{f}_user"])
            for f in self.FUNCTIONS
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        panel = [
            PanelEntry(
                function=f,
                department=data.get(f"panel_{f}_department"),
                user=data.get(f"panel_{f}_user"),
            )
            for f in self.FUNCTIONS
            if data.get(f"panel_{f}_department") or data.get(f"panel_{f}_user")
        ]
        return {
            "liability": data["liability"],
            "liability_decision": data.get("liability_decision") or "",
            "liability_decided_on": data.get("liability_decided_on"),
            "company_share_percent": data.get("company_share_percent"),
            "supplier_name": data.get("supplier_name") or "",
            "panel": panel,
        }


class AcknowledgeForm(VersionMixin):
    customer_acknowledgement = _text(_("How the customer acknowledged"), rows=2)
    acknowledged_on = forms.DateField(label=_("Acknowledged on"), required=False, widget=DATE)


class BookForm(VersionMixin):
    booked_on = forms.DateField(label=_("Booking date"), required=False, widget=DATE)


class SettleForm(VersionMixin):
    amount_recovered = _money_field(_("Amount recovered (CNY)"))
    settled_on = forms.DateField(label=_("Settled on"), required=False, widget=DATE)
    negotiation_notes = _text(_("Negotiation with the supplier"), rows=2)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        if not data.get("negotiation_notes"):
            data["negotiation_notes"] = None  # keep what was recorded before
        return data


class CloseForm(VersionMixin):
    root_cause = _text(_("Root cause"), rows=3)
    capa_required = forms.BooleanField(label=_("Corrective action required"), required=False)
    capa_reference = forms.CharField(label=_("Corrective action reference"), required=False,
                                     max_length=60)


TRANSITION_FORMS: dict[str, type[VersionMixin]] = {
    "submit": SubmitForm,
    "propose": ProposeForm,
    "approve": NoteForm,
    "send_back": NoteForm,
    "agree": AgreeForm,
    "reanalyse": NoteForm,
    "break_off": NoteForm,
    "withdraw": NoteForm,
    "determine": DetermineForm,
    "acknowledge": AcknowledgeForm,
    "book": BookForm,
    "settle_recourse": SettleForm,
    "close": CloseForm,
}


def transition_form(
    name: str, data: Any = None, claim: Claim | None = None, prefix: bool = True
) -> VersionMixin:
    """The form of step `name` (prefixed by the step's name on the page, where several step
    forms stand side by side; the API sends the fields without prefix)."""
    form = TRANSITION_FORMS[name](data=data, prefix=name if prefix else None)
    if claim is not None:
        form.fields["version"].initial = claim.version
        _initial_from_claim(form, name, claim)
    return form


def _initial_from_claim(form: forms.Form, name: str, claim: Claim) -> None:
    """Prefill a step's form with what the claim already says (e.g. a proposal sent back)."""
    for field in form.fields:
        if field != "version" and hasattr(claim, field) and field != "note":
            value = getattr(claim, field)
            if value not in (None, ""):
                form.fields[field].initial = value
    if name == "book":
        form.fields["booked_on"].initial = timezone.localdate()
    if name == "acknowledge" and not claim.acknowledged_on:
        form.fields["acknowledged_on"].initial = timezone.localdate()


# --- work inside a step ---------------------------------------------------------------------


class RoundForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    offer = _text(_("Our offer"), required=True, rows=2)
    offer_amount = _money_field(_("Amount offered (CNY)"))
    answer = forms.ChoiceField(label=_("Customer's answer"), choices=RoundAnswer.choices,
                               initial=RoundAnswer.PENDING)
    answer_note = _text(_("What the customer said"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "round")
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class RoundAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Customer's answer"),
        choices=[c for c in RoundAnswer.choices if c[0] != RoundAnswer.PENDING],
    )
    answer_note = _text(_("What the customer said"), rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Line kind"), choices=[("", "–"), *LineKind.choices],
                             required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=14,
                                  decimal_places=3, min_value=ZERO)
    unit_price = forms.DecimalField(label=_("Unit price (CNY)"), required=False,
                                    max_digits=14, decimal_places=4, min_value=ZERO)
    amount = _money_field(_("Amount (CNY)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        filled = any(data.get(k) not in (None, "") for k in
                     ("description", "quantity", "unit_price", "amount"))
        if not kind:
            if filled:
                self.add_error("kind", _("Choose the kind of this line."))
            return data
        if kind == LineKind.GOODS:
            for name in ("quantity", "unit_price"):
                if data.get(name) is None:
                    self.add_error(name, _("Goods need a quantity and a unit price."))
        elif data.get("amount") is None:
            self.add_error("amount", _("Give the amount of this line."))
        return data

    def line(self) -> Line | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        goods = data["kind"] == LineKind.GOODS
        return Line(
            kind=data["kind"],
            description=data.get("description") or "",
            quantity=data.get("quantity") if goods else None,
            unit_price=data.get("unit_price") if goods else None,
            amount=None if goods else data.get("amount"),
        )


LineFormSet = forms.formset_factory(LineForm, extra=2, max_num=50)


def line_formset(data: Any = None, claim: Claim | None = None) -> Any:
    """The calculation lines: the current ones (or a goods and a freight line) + blank rows."""
    initial = None
    if data is None and claim is not None:
        initial = [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in claim.compensation_lines.filter(archived_at__isnull=True)
        ] or [{"kind": LineKind.GOODS}, {"kind": LineKind.FREIGHT}]
    return LineFormSet(data=data, initial=initial, prefix="lines")


class RecourseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SupplierRecourse
        fields = ["supplier_name", "amount_claimed", "negotiation_notes", "amount_recovered",
                  "settled_on"]
        widgets = {"settled_on": DATE, "negotiation_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "recourse")
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def model_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Document or receipt"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def customers_for(user: Viewer) -> QuerySet[Customer]:
    from manyi.accounts.permissions import scope_queryset

    return scope_queryset(
        Customer.objects.filter(archived_at__isnull=True), user, "claim.add"
    ).order_by("code")

