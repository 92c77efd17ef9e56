"""Input parsing for complaints: the same forms validate the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department, DepartmentKind, User
from manyi.common.inputs import parse_id
from manyi.customers.models import Contact, Customer, Product

from .models import (
    Accountability,
    AcknowledgementMethod,
    CallbackMethod,
    CallbackSatisfaction,
    Complaint,
    ContentCategory,
    Nature,
    RemedyKind,
    Severity,
)
from .services.intake import INTAKE_FIELDS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def _local_now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class ComplaintForm(forms.ModelForm):
    """质量信息反馈单 — intake."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Complaint
        fields = [*INTAKE_FIELDS, "legal_flag"]  # the service's intake fields, declared once
        widgets = {
            "received_at": DATETIME_WIDGET,
            "purchase_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "customer_demand": TEXT,
        }
        help_texts = {
            "contact": _("Choose a contact of the customer, or type the person below."),
            "legal_flag": _("Tick when legal proceedings are possible: legal is told at once."),
            "nature": _("Can be left open until the initial analysis."),
        }

    def __init__(
        self, *args: Any, customers: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        customer_field = self.fields["customer"]
        assert isinstance(customer_field, forms.ModelChoiceField)
        if customers is not None:
            customer_field.queryset = customers
        if not self.is_bound and not self.instance.pk:
            self.fields["received_at"].initial = _local_now()
        customer_id = self._customer_id()
        contact_field = self.fields["contact"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        contact_field.queryset = Contact.objects.filter(
            customer_id=customer_id or 0, archived_at__isnull=True
        ).order_by("name")
        product_field = self.fields["product"]
        assert isinstance(product_field, forms.ModelChoiceField)
        product_field.queryset = Product.objects.filter(archived_at__isnull=True).order_by(
            "model"
        )
        if editing:
            for name in ("customer", "received_at", "legal_flag"):
                self.fields.pop(name)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _customer_id(self) -> int | None:
        if self.is_bound:
            return parse_id(self.data.get(self.add_prefix("customer")))
        initial = self.initial.get("customer")
        if isinstance(initial, Customer):
            return initial.pk
        if self.instance.pk:
            return self.instance.customer_id
        return parse_id(initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("contact") and not data.get("contact_name"):
            self.add_error("contact_name", _("Choose a contact or type the person's name."))
        if not data.get("product") and not data.get("product_model") and data.get(
            "content_category"
        ) == ContentCategory.PRODUCT_QUALITY:
            self.add_error("product", _("A product-quality complaint names the product."))
        return data

    def model_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AnalyseForm(forms.Form):
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices)
    content_category = forms.ChoiceField(label=_("Category (content)"),
                                         choices=ContentCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    analysis = forms.CharField(label=_("Initial analysis"), widget=TEXT)
    escalate = forms.BooleanField(
        label=_("Escalate to quality"),
        required=False,
        help_text=_("A major quality problem is always escalated; quality then decides."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Quality engineer in charge"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the quality manager."),
    )
    legal_flag = forms.BooleanField(label=_("Send to legal"), required=False)

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = (
            User.objects.filter(
                is_active=True, roles__code__in=["quality_manager", "quality_engineer"]
            )
            .distinct()
            .order_by("username")
        )
        if complaint is not None and not self.is_bound:
            self.initial.update(
                nature=complaint.nature,
                content_category=complaint.content_category,
                severity=complaint.severity,
                escalate=complaint.severity == Severity.MAJOR,
                legal_flag=complaint.legal_flag,
            )


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME_WIDGET)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments present"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.CharField(label=_("Attendees"), widget=TEXT)
    decision = forms.CharField(label=_("Decision (the remedy)"), widget=TEXT)

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Department.objects.filter(active=True).exclude(
            kind__in=[DepartmentKind.BRANCH_OFFICE, DepartmentKind.REGION]
        ).order_by("kind", "code")
        if not self.is_bound:
            self.initial.setdefault("held_at", _local_now())


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of remedy"), choices=RemedyKind.choices)
    description = forms.CharField(label=_("Remedy"), widget=TEXT)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "Refund, exchange and compensation only: the superior approves the money before "
            "the customer is told."
        ),
    )
    quality_decision = forms.CharField(
        label=_("Quality's decision"), widget=TEXT, required=False
    )

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if complaint is not None and not complaint.escalated:
            self.fields.pop("quality_decision")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class RequiredNoteForm(NoteForm):
    note = forms.CharField(label=_("Reason"), widget=TEXT)


class AnswerForm(NoteForm):
    note = forms.CharField(label=_("What the customer said"), widget=TEXT, required=False)
    answered_at = forms.DateTimeField(label=_("Answered at"), widget=DATETIME_WIDGET,
                                      required=False)


class RejectForm(AnswerForm):
    note = forms.CharField(label=_("Why the customer rejects it"), widget=TEXT)


class CarryOutForm(NoteForm):
    result = forms.CharField(label=_("Result of the remedy"), widget=TEXT)
    carried_out_at = forms.DateTimeField(label=_("Carried out at"), widget=DATETIME_WIDGET,
                                         required=False)
    note = None  # type: ignore[assignment]


class RootCauseForm(NoteForm):
    root_cause = forms.CharField(label=_("Root cause"), widget=TEXT)
    capa_required = forms.TypedChoiceField(
        label=_("Corrective / preventive action needed?"),
        choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    note = None  # type: ignore[assignment]


class CallbackForm(NoteForm):
    method = forms.ChoiceField(label=_("Call-back by"), choices=CallbackMethod.choices)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction with the handling"), choices=CallbackSatisfaction.choices
    )
    note = forms.CharField(
        label=_("Customer's opinion"),
        widget=TEXT,
        required=False,
        help_text=_("Not satisfied: this text becomes a new complaint linked to this one."),
    )
    callback_at = forms.DateTimeField(label=_("Called back at"), widget=DATETIME_WIDGET,
                                      required=False)


class CancelForm(NoteForm):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=TEXT)
    note = None  # type: ignore[assignment]


TRANSITION_FORMS: dict[str, type[forms.Form]] = {
    "analyse": AnalyseForm,
    "record_meeting": MeetingForm,
    "propose": ProposeForm,
    "approve": NoteForm,
    "refuse_approval": RequiredNoteForm,
    "accept": AnswerForm,
    "reject": RejectForm,
    "carry_out": CarryOutForm,
    "record_root_cause": RootCauseForm,
    "close": NoteForm,
    "callback": CallbackForm,
    "cancel": CancelForm,
}


def transition_form(
    name: str, complaint: Complaint, data: Any = None, prefix: str | None = None
) -> forms.Form:
    form_class = TRANSITION_FORMS[name]
    return form_class(data, complaint=complaint, prefix=prefix)  # type: ignore[call-arg]


class AcknowledgeForm(forms.Form):
    method = forms.ChoiceField(label=_("Told the customer by"),
                               choices=AcknowledgementMethod.choices)


class LegalOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Legal opinion"), widget=forms.Textarea(attrs={"rows": 4}))


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Why"), max_length=300)

    def __init__(self, *args: Any, candidates: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in candidates or []]
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=ids).order_by("department__code", "username")
        field.label_from_instance = lambda u: f"{u} · {u.department or ''}"  # type: ignore[method-assign,assignment]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AccountabilityForm(forms.ModelForm):
    class Meta:
        model = Accountability
        fields = [
            "failure_type",
            "responsible_department",
            "responsible_person",
            "measure",
            "performance_deduction",
            "instruction",
            "rectification",
            "rectification_deadline",
        ]
        widgets = {
            "rectification_deadline": DATE_WIDGET,
            "instruction": TEXT,
            "rectification": TEXT,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["responsible_person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = User.objects.filter(is_active=True).order_by("username")
        dept = self.fields["responsible_department"]
        assert isinstance(dept, forms.ModelChoiceField)
        dept.queryset = Department.objects.filter(active=True).order_by("kind", "code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = data.get("responsible_person")
        dept = data.get("responsible_department")
        if person is not None and dept is not None and person.department_id not in (
            None,
            dept.pk,
        ) and not Department.objects.filter(
            Q(pk=person.department_id) & (Q(parent=dept) | Q(parent__parent=dept))
        ).exists():
            self.add_error(
                "responsible_person", _("This person does not work in the chosen department.")
            )
        return data


class RectifiedForm(forms.Form):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=DATE_WIDGET)
