"""Customer property (顾客财产, SPEC §7, 003 §4.4): the ledger (顾客财产台帐) and its
movements, the external drawings/documents register (外来图纸及文件登记记录表), lending
slips (顾客财产借用单) and damage/loss reports to the customer (损坏/丢失报告)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.models import QualityRecord
from manyi.common.validators import text_max
from manyi.customers.models import Contact, Customer


class PropertyKind(models.TextChoices):
    SAMPLE = "sample", _("Sample")
    SAMPLE_PART = "sample_part", _("Sample part")
    DRAWING = "drawing", _("Drawing")
    DOCUMENT = "document", _("Document")
    MEASURING = "measuring", _("Measuring equipment")
    TOOLING = "tooling", _("Tooling")
    MATERIAL = "material", _("Material")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    INTACT = "intact", _("Intact")
    MINOR = "minor", _("Minor defects")
    DAMAGED = "damaged", _("Damaged")
    INCOMPLETE = "incomplete", _("Incomplete")


class PropertyStatus(models.TextChoices):
    HELD = "held", _("Held")
    LENT = "lent", _("Lent out")
    RETURNED = "returned", _("Returned to the customer")
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")


# Items that can be moved, lent or returned (not returned to the customer, not lost).
ACTIVE_STATUSES = (PropertyStatus.HELD, PropertyStatus.LENT, PropertyStatus.DAMAGED)


def _customer_ids(customer: Any) -> set[Any]:
    if customer is None:
        return set()
    return {customer.branch_office_id, customer.business_unit_id, customer.region_id}


class CustomerProperty(QualityRecord):
    """顾客财产台帐: one item (or lot) of property received from a customer."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="property"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("customer's contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="property",
        help_text=_("Receives damage or loss reports."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PropertyKind.choices)
    name = models.CharField(_("item"), max_length=200)
    identifier = models.CharField(
        _("customer's part / serial / drawing no."), max_length=100, blank=True
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    unit = models.CharField(_("unit"), max_length=10, default="件")
    received_on = models.DateField(_("received on"), db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    condition = models.CharField(
        _("condition on receipt"), max_length=12, choices=Condition.choices,
        default=Condition.INTACT,
    )
    condition_note = models.CharField(_("condition note"), max_length=200, blank=True)
    holding_department = models.ForeignKey(
        Department,
        verbose_name=_("holding department"),
        on_delete=models.PROTECT,
        related_name="held_property",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_property",
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PropertyStatus.choices,
        default=PropertyStatus.HELD, db_index=True,
    )
    returned_on = models.DateField(_("returned to the customer on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[text_max()])

    class Meta:
        verbose_name = _("customer property")
        verbose_name_plural = _("customer property ledger")
        ordering = ("-received_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_on__isnull=False),
                name="property_returned_has_date",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="property_quantity_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def clean(self) -> None:
        contact = self.contact if self.contact_id else None
        if contact is not None and self.customer_id and contact.customer_id != self.customer_id:
            raise ValidationError({"contact": _("This contact belongs to another customer.")})
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": _("The date cannot be in the future.")})

    def scope_department_ids(self) -> set[int]:
        ids = _customer_ids(self.customer) | {self.holding_department_id}
        if self.holder is not None:
            ids.add(self.holder.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int], prefix: str = "") -> Q:
        return (
            Q(**{f"{prefix}customer__branch_office_id__in": dept_ids})
            | Q(**{f"{prefix}customer__business_unit_id__in": dept_ids})
            | Q(**{f"{prefix}customer__region_id__in": dept_ids})
            | Q(**{f"{prefix}holding_department_id__in": dept_ids})
            | Q(**{f"{prefix}holder__department_id__in": dept_ids})
        )


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Received and handed to the department")
    ISSUED = "issued", _("Issued to a department / person")
    LENT = "lent", _("Lent")
    LOAN_RETURNED = "loan_returned", _("Returned from loan")
    TO_CUSTOMER = "to_customer", _("Returned to the customer")
    DAMAGED = "damaged", _("Damage reported")
    LOST = "lost", _("Loss reported")


class PropertyMovement(QualityRecord):
    """流转记录: where the item went and when (history of the ledger entry)."""

    item = models.ForeignKey(
        CustomerProperty,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    from_department = models.ForeignKey(
        Department,
        verbose_name=_("from department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_department = models.ForeignKey(
        Department,
        verbose_name=_("to department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("property movement")
        verbose_name_plural = _("property movements")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.item.number} {self.get_kind_display()}"

    def scope_department_ids(self) -> set[int]:
        return self.item.scope_department_ids()


class DocumentType(models.TextChoices):
    DRAWING = "drawing", _("Drawing")
    SPECIFICATION = "specification", _("Specification")
    STANDARD = "standard", _("Standard")
    AGREEMENT = "agreement", _("Quality agreement")
    OTHER = "other", _("Other document")


class ExternalDocument(QualityRecord):
    """外来图纸/文件登记: a customer's drawing or document registered by engineering and
    distributed to the departments that work with it."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="external_documents",
    )
    item = models.ForeignKey(
        CustomerProperty,
        verbose_name=_("ledger item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    doc_type = models.CharField(
        _("type"), max_length=20, choices=DocumentType.choices, default=DocumentType.DRAWING
    )
    doc_number = models.CharField(_("document number"), max_length=100)
    revision = models.CharField(_("version / revision"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    received_on = models.DateField(_("received on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    distributed_to = models.ManyToManyField(
        Department,
        verbose_name=_("distributed to"),
        blank=True,
        related_name="external_documents",
    )
    copies = models.PositiveIntegerField(_("copies"), default=1)
    superseded = models.BooleanField(_("superseded"), default=False, db_index=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("external drawing / document")
        verbose_name_plural = _("external drawings and documents register")
        ordering = ("customer", "doc_number", "-received_on", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "doc_number", "revision"], name="external_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.revision} {self.title}"

    def scope_department_ids(self) -> set[int]:
        ids = _customer_ids(self.customer)
        if self.pk:
            ids |= set(self.distributed_to.values_list("id", flat=True))
        if self.registered_by_id:
            ids.add(self.registered_by.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        through = cls.distributed_to.through
        distributed = through.objects.filter(department_id__in=dept_ids).values(
            "externaldocument_id"
        )
        return (
            Q(customer__branch_office_id__in=dept_ids)
            | Q(customer__business_unit_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
            | Q(registered_by__department_id__in=dept_ids)
            | Q(pk__in=distributed)
        )


class LoanSlip(QualityRecord):
    """顾客财产借用单: a lending of customer property to a person of a department."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    item = models.ForeignKey(
        CustomerProperty, verbose_name=_("item"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="property_loans",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("borrowing department"),
        on_delete=models.PROTECT,
        related_name="property_loans",
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    customer_consent = models.BooleanField(
        _("customer agreed"),
        default=False,
        help_text=_("Tick when the customer agreed to the lending (003 §4.4.2)."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by (sales)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lent_at = models.DateTimeField(_("lent at"), default=timezone.now)
    due_at = models.DateTimeField(_("return due"), db_index=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(
        _("condition on return"), max_length=12, choices=Condition.choices, blank=True
    )
    return_note = models.CharField(_("return note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lending slip")
        verbose_name_plural = _("lending slips")
        ordering = ("-lent_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(returned_at__isnull=True, archived_at__isnull=True),
                name="one_open_loan_per_item",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("lent_at")), name="loan_due_after_lent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def is_overdue(self) -> bool:
        return self.returned_at is None and self.due_at < timezone.now()

    def scope_department_ids(self) -> set[int]:
        ids: set[Any] = self.item.scope_department_ids() | {self.department_id}
        ids.add(self.borrower.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            CustomerProperty.scope_q(dept_ids, prefix="item__")
            | Q(department_id__in=dept_ids)
            | Q(borrower__department_id__in=dept_ids)
        )


class DamageKind(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")


class DamageStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet sent")
    SENT = "sent", _("Sent to the customer")
    REPLIED = "replied", _("Customer replied")


class DamageReport(QualityRecord):
    """损坏/丢失报告: what happened to the customer's property, reported to the customer."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    item = models.ForeignKey(
        CustomerProperty,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="damage_reports",
    )
    kind = models.CharField(_("damage or loss"), max_length=10, choices=DamageKind.choices)
    occurred_on = models.DateField(_("date of the event"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("what happened"), validators=[text_max()])
    immediate_action = models.TextField(_("immediate remedy"), blank=True, validators=[text_max()])
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("report to (customer's contact)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DamageStatus.choices, default=DamageStatus.DRAFT
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    sent_language = models.CharField(_("language"), max_length=10, blank=True)
    customer_reply = models.TextField(_("customer's reply"), blank=True, validators=[text_max()])
    reply_received_on = models.DateField(_("reply received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("damage / loss report")
        verbose_name_plural = _("damage / loss reports")
        ordering = ("-occurred_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="replied") | ~Q(customer_reply=""),
                name="damage_replied_has_reply",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
        contact = self.contact if self.contact_id else None
        if contact is not None and self.item_id and (
            contact.customer_id != self.item.customer_id
        ):
            raise ValidationError({"contact": _("This contact belongs to another customer.")})

    def scope_department_ids(self) -> set[int]:
        ids: set[Any] = self.item.scope_department_ids()
        ids.add(self.found_by.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return CustomerProperty.scope_q(dept_ids, prefix="item__") | Q(
            found_by__department_id__in=dept_ids
        )
