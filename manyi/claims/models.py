"""Customer claims (顾客索赔, SPEC §5, 003 §4.2): the claim, its negotiation rounds, the liability
panel, finance's compensation lines, the quality cost it books and the recourse against a
supplier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.models import QualityRecord
from manyi.common.validators import not_in_future, text_max
from manyi.customers.models import Contact, Customer, Order, Product

from .states import TERMINAL, ClaimState, Liability

ZERO = Decimal("0")


def _money(label: Any, *, null: bool = True) -> models.DecimalField[Any, Any]:
    """An amount in CNY: 14 digits, 2 decimals, never negative."""
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        null=null,
        blank=null,
        validators=[MinValueValidator(ZERO)],
    )


class Claim(QualityRecord):
    """顾客索赔: one claim of a customer, from the documents to closing."""

    number = models.CharField(_("claim number"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    received_on = models.DateField(
        _("received on"), default=timezone.localdate, db_index=True, validators=[not_in_future]
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="claims"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order / delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by (sales)"),
        on_delete=models.PROTECT,
        related_name="handled_claims",
    )
    description = models.TextField(_("what happened"), validators=[text_max()])
    demand = models.TextField(_("customer's demand"), blank=True, validators=[text_max()])
    claimed_amount = _money(_("amount claimed (CNY)"))
    complaint_reference = models.CharField(
        _("complaint reference"),
        max_length=60,
        blank=True,
        help_text=_("Number of the complaint this claim comes from, if any."),
    )

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ClaimState.choices,
        default=ClaimState.COLLECTING,
        db_index=True,
    )
    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True, db_index=True)
    step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("step owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_steps",
    )
    step_note = models.TextField(_("note on the last step"), blank=True, validators=[text_max()])

    preliminary_analysis = models.TextField(
        _("preliminary analysis"), blank=True, validators=[text_max()]
    )
    proposal = models.TextField(_("proposal to the customer"), blank=True, validators=[text_max()])
    proposed_amount = _money(_("proposed amount (CNY)"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    agreed_amount = _money(_("amount agreed with the customer (CNY)"))

    liability = models.CharField(
        _("liability"), max_length=10, choices=Liability.choices, blank=True, db_index=True
    )
    liability_decision = models.TextField(
        _("panel's decision"), blank=True, validators=[text_max()]
    )
    liability_decided_on = models.DateField(_("liability decided on"), null=True, blank=True)
    company_share_percent = models.DecimalField(
        _("our share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)

    customer_acknowledgement = models.TextField(
        _("customer's acknowledgement of the cancellation"), blank=True, validators=[text_max()]
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)

    compensation_subtotal = _money(_("compensation before share (CNY)"))
    compensation_amount = _money(_("compensation (CNY)"))

    root_cause = models.TextField(_("root cause"), blank=True, validators=[text_max()])
    capa_required = models.BooleanField(_("corrective action required"), default=False)
    capa_reference = models.CharField(_("corrective action reference"), max_length=60, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer claim")
        verbose_name_plural = _("customer claims")
        ordering = ("-received_on", "-sequence")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="claim_number_per_year"),
            models.CheckConstraint(
                condition=models.Q(claimed_amount__isnull=True)
                | models.Q(claimed_amount__gte=0),
                name="claim_claimed_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(compensation_amount__isnull=True)
                | models.Q(compensation_amount__gte=0),
                name="claim_compensation_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(company_share_percent__isnull=True)
                | models.Q(company_share_percent__gte=0, company_share_percent__lte=100),
                name="claim_share_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-received_on"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        errors = {}
        contact, order = self.contact, self.order
        if contact is not None and self.customer_id and contact.customer_id != self.customer_id:
            errors["contact"] = _("This contact belongs to another customer.")
        if order is not None and self.customer_id and order.customer_id != self.customer_id:
            errors["order"] = _("This order belongs to another customer.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL

    def overdue_at(self, now: dt.datetime) -> bool:
        return self.is_open and self.step_due_at is not None and self.step_due_at < now

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at(timezone.now())

    def last_round(self) -> NegotiationRound | None:
        return (
            self.rounds.filter(archived_at__isnull=True).order_by("-number").first()
            if self.pk
            else None
        )


class RoundAnswer(models.TextChoices):
    PENDING = "pending", _("No answer yet / counter-proposal")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class NegotiationRound(QualityRecord):
    """索赔协商记录: one round of negotiation with the customer (offer and answer)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    held_on = models.DateField(_("date"))
    offer = models.TextField(_("our offer"), validators=[text_max()])
    offer_amount = _money(_("amount offered (CNY)"))
    answer = models.CharField(
        _("customer's answer"),
        max_length=10,
        choices=RoundAnswer.choices,
        default=RoundAnswer.PENDING,
    )
    answer_note = models.TextField(_("what the customer said"), blank=True, validators=[text_max()])

    class Meta:
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        ordering = ("claim", "number")
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="claim_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.claim} #{self.number}"

    def scope_department_ids(self) -> set[int]:
        return _customer_depts(self.claim.customer)


class PanelFunction(models.TextChoices):
    PRODUCTION = "production", _("Production")
    ENGINEERING = "engineering", _("Engineering")
    QUALITY = "quality", _("Quality")
    SALES = "sales", _("Sales")
    PRODUCTION_DGM = "production_dgm", _("Production deputy GM")
    OTHER = "other", _("Other")


# The functions 003 §4.2.4 names, with the department that usually sends someone.
PANEL_DEFAULT_DEPARTMENTS: dict[str, str] = {
    PanelFunction.PRODUCTION: "PROD",
    PanelFunction.ENGINEERING: "ENG",
    PanelFunction.QUALITY: "QA",
    PanelFunction.SALES: "SALES",
    PanelFunction.PRODUCTION_DGM: "DGM",
}


class PanelMember(QualityRecord):
    """责任界定小组成员: a department and/or a person on the liability panel."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="panel_members"
    )
    function = models.CharField(_("function"), max_length=20, choices=PanelFunction.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("liability panel member")
        verbose_name_plural = _("liability panel")
        ordering = ("claim", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(user__isnull=False),
                name="panel_member_department_or_user",
            )
        ]

    def __str__(self) -> str:
        who = " · ".join(str(x) for x in (self.department, self.user) if x is not None)
        return f"{self.get_function_display()}: {who}"

    def clean(self) -> None:
        if self.department_id is None and self.user_id is None:
            raise ValidationError({"department": _("Give a department or a person.")})


class LineKind(models.TextChoices):
    GOODS = "goods", _("Goods (quantity × unit price)")
    FREIGHT = "freight", _("Freight")
    LABOUR = "labour", _("Labour / on-site service")
    OTHER = "other", _("Other")


class CompensationLine(QualityRecord):
    """赔偿费用核算明细: one line of finance's calculation."""

    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        related_name="compensation_lines",
    )
    position = models.PositiveSmallIntegerField(_("line"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit_price = models.DecimalField(
        _("unit price (CNY)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    amount = _money(_("amount (CNY)"))
    total = _money(_("line total (CNY)"), null=False)

    class Meta:
        verbose_name = _("compensation line")
        verbose_name_plural = _("compensation lines")
        ordering = ("claim", "position", "id")

    def __str__(self) -> str:
        return f"{self.claim} {self.position}: {self.total}"


class QualityCostCategory(models.TextChoices):
    EXTERNAL_CLAIM = "external_claim", _("External failure – claim")


class QualityCost(QualityRecord):
    """质量成本: an amount booked as quality cost (here: the compensation of a claim)."""

    date = models.DateField(_("date"), db_index=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="quality_costs",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_costs",
    )
    amount = _money(_("amount (CNY)"), null=False)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=QualityCostCategory.choices,
        default=QualityCostCategory.EXTERNAL_CLAIM,
    )
    claim = models.OneToOneField(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_cost",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quality cost")
        verbose_name_plural = _("quality costs")
        ordering = ("-date", "-id")

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class SupplierRecourse(QualityRecord):
    """向供方索赔: the recourse claim against the supplier, negotiated by the deputy GM."""

    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="recourse"
    )
    supplier_name = models.CharField(_("supplier"), max_length=200)
    amount_claimed = _money(_("amount claimed from the supplier (CNY)"), null=False)
    negotiation_notes = models.TextField(
        _("negotiation with the supplier"), blank=True, validators=[text_max()]
    )
    amount_recovered = _money(_("amount recovered (CNY)"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier recourse")
        verbose_name_plural = _("supplier recourses")
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self.claim} → {self.supplier_name}"

    def scope_department_ids(self) -> set[int]:
        return _customer_depts(self.claim.customer)


class ClaimStep(models.Model):
    """The history of a claim: one row per transition (who, when, from → to, the note, and the
    deadline the new step got). Written by the services only, never changed."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="steps"
    )
    transition = models.CharField(_("step"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, choices=ClaimState.choices,
                                  blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ClaimState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, validators=[text_max()])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("next step owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("next step due"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim step")
        verbose_name_plural = _("claim history")
        ordering = ("claim", "at", "id")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_state}→{self.to_state}"


def _customer_depts(customer: Customer) -> set[int]:
    ids = (customer.branch_office_id, customer.business_unit_id, customer.region_id)
    return {i for i in ids if i is not None}
