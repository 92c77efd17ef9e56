"""Feedback and inquiries (顾客信息, SPEC §3): the register book of customer opinions
(顾客意见登记簿) and praise notices (通报表扬, 000 §4.2.3)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.models import QualityRecord
from manyi.common.validators import text_max
from manyi.customers.models import Contact, Customer


def _customer_ids(customer: Customer | None) -> set[Any]:
    if customer is None:
        return set()
    return {customer.branch_office_id, customer.business_unit_id, customer.region_id}


class FeedbackChannel(models.TextChoices):
    """How the information reached us (000 §4.1.2–4.1.3, 000 篇3 §4.3, 002, 001 热线)."""

    FACE_TO_FACE = "face_to_face", _("Face-to-face")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone / hotline")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    TRADE_FAIR = "trade_fair", _("Trade fair / exhibition")
    SALES_VISIT = "sales_visit", _("Sales visit")
    SYMPOSIUM = "symposium", _("User symposium")
    MEDIA = "media", _("Media report")
    CONSUMER_ORG = "consumer_org", _("Consumer organisation")
    MARKET_RESEARCH = "market_research", _("Market research")
    REGULATOR = "regulator", _("Regulator bulletin")


class FeedbackKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    COMPLAINT = "complaint", _("Complaint / grievance")
    CLAIM = "claim", _("Claim")


# Kinds that are answered (at once or later by the assigned department).
INQUIRY_KINDS = (FeedbackKind.CONSULTATION, FeedbackKind.SUGGESTION)
# Kinds that are handed over to another procedure (complaint handling §4, claims §5).
HANDOVER_KINDS = (FeedbackKind.COMPLAINT, FeedbackKind.CLAIM)


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open – awaiting answer")
    ANSWERED = "answered", _("Answered")
    HANDED_OVER = "handed_over", _("Handed over")
    RECORDED = "recorded", _("Recorded")


class FeedbackEntry(QualityRecord):
    """顾客意见登记: one consultation, suggestion, praise, complaint or claim, any channel."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_entries",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_entries",
    )
    contact_name = models.CharField(
        _("name (unknown customer)"),
        max_length=100,
        blank=True,
        help_text=_("For a walk-in or caller who is not in the customer archive."),
    )
    contact_phone = models.CharField(_("phone / address"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=FeedbackChannel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("content"), validators=[text_max()])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FeedbackStatus.choices, db_index=True
    )
    # Not answered at once → assigned to the department that must answer (000 §4.1.2).
    assigned_department = models.ForeignKey(
        Department,
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_feedback",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_feedback",
    )
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True, validators=[text_max()])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Complaint / claim: handed over to complaint handling or claims.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_to = models.CharField(
        _("handed over to (reference)"),
        max_length=100,
        blank=True,
        help_text=_("The number of the complaint or claim case, once known."),
    )

    class Meta:
        verbose_name = _("feedback entry")
        verbose_name_plural = _("feedback register")
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=["customer", "-received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="open") | Q(assigned_department__isnull=False),
                name="feedback_open_is_assigned",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="feedback_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def clean(self) -> None:
        if self.customer_id is None and not self.contact_name.strip():
            raise ValidationError(
                {"contact_name": _("Give the customer or, for an unknown customer, a name.")}
            )
        contact = self.contact if self.contact_id else None
        if contact is not None and self.customer_id and contact.customer_id != self.customer_id:
            raise ValidationError({"contact": _("This contact belongs to another customer.")})
        if self.contact_id and not self.customer_id:
            raise ValidationError({"contact": _("Choose the customer of this contact first.")})

    @property
    def who(self) -> str:
        """The customer (and contact) or the free-text name of an unknown customer."""
        customer = self.customer if self.customer_id else None
        if customer is None:
            return self.contact_name
        contact = self.contact if self.contact_id else None
        extra = contact.name if contact is not None else self.contact_name
        return f"{customer.name} · {extra}" if extra else customer.name

    @property
    def is_open(self) -> bool:
        return self.status == FeedbackStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    # --- permission scope: the customer's office/unit/region, the assigned department,
    # the assigned person's department and the recorder's department ---
    def scope_department_ids(self) -> set[int]:
        ids: set[Any] = _customer_ids(self.customer if self.customer_id else None)
        ids.add(self.assigned_department_id)
        if self.assigned_to is not None:
            ids.add(self.assigned_to.department_id)
        if self.recorded_by_id:
            ids.add(self.recorded_by.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(customer__branch_office_id__in=dept_ids)
            | Q(customer__business_unit_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
            | Q(assigned_department_id__in=dept_ids)
            | Q(assigned_to__department_id__in=dept_ids)
            | Q(recorded_by__department_id__in=dept_ids)
        )


class PraiseAspect(models.TextChoices):
    PRODUCT = "product", _("Product quality")
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service attitude")
    TECHNICAL = "technical", _("Technical support")
    RESPONSE = "response", _("Speed of response")
    OTHER = "other", _("Other")


class PraiseNotice(QualityRecord):
    """通报表扬: praise from a customer passed on to the department or person concerned."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    entry = models.ForeignKey(
        FeedbackEntry,
        verbose_name=_("feedback entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise_notices",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise_notices",
    )
    aspect = models.CharField(_("aspect"), max_length=20, choices=PraiseAspect.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("praised department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise_notices",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("praised person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise_notices",
    )
    text = models.TextField(_("notice text"), validators=[text_max()])
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("praise notice")
        verbose_name_plural = _("praise notices")
        ordering = ("-issued_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(person__isnull=False),
                name="praise_notice_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_aspect_display()}"

    def clean(self) -> None:
        if self.department_id is None and self.person_id is None:
            raise ValidationError(
                {"department": _("Name the department or the person who is praised.")}
            )

    @property
    def praised(self) -> str:
        parts = [str(x) for x in (self.department, self.person) if x is not None]
        return " · ".join(parts)

    def scope_department_ids(self) -> set[int]:
        ids: set[Any] = {self.department_id}
        ids |= _customer_ids(self.customer if self.customer_id else None)
        if self.person is not None:
            ids.add(self.person.department_id)
        return {i for i in ids if i is not None}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(customer__branch_office_id__in=dept_ids)
            | Q(customer__business_unit_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
            | Q(department_id__in=dept_ids)
            | Q(person__department_id__in=dept_ids)
        )
