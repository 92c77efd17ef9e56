"""Complaint handling (顾客投诉/抱怨, SPEC §4; 003 §4.1, 002 投诉管理, ISO 10002).

The record is the Quality Information Feedback Form (质量信息反馈单): `Complaint`. Each remedy
proposal is its own numbered record (`RemedyProposal`), the ad-hoc meeting for a major problem
is a `ComplaintMeeting`, and the accountability decision of 002 §6 an `Accountability`.
The states are in `states.py`, the allowed transitions in `workflow.py` (one place each).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department
from manyi.common.models import QualityRecord
from manyi.common.validators import text_max
from manyi.customers.models import Contact, Customer, Product

from .states import OPEN_STATES, TIMED_STATES, ComplaintState


class Channel(models.TextChoices):
    """How the complaint reached the company (SPEC §3)."""

    FACE_TO_FACE = "face_to_face", _("Face to face")
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


class ContentCategory(models.TextChoices):
    """按投诉的内容分 (002)."""

    PRODUCT_QUALITY = "product_quality", _("Product quality")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    SUDDEN_EVENT = "sudden_event", _("Sudden event / force majeure")


class Nature(models.TextChoices):
    """按投诉的性质分 (002): effective, or communicative (help-seeking, consultative, venting)."""

    EFFECTIVE = "effective", _("Effective (verified failure)")
    HELP_SEEKING = "help_seeking", _("Communicative – help-seeking")
    CONSULTATIVE = "consultative", _("Communicative – consultative")
    VENTING = "venting", _("Communicative – venting")


COMMUNICATIVE = frozenset({Nature.HELP_SEEKING, Nature.CONSULTATIVE, Nature.VENTING})


class Severity(models.TextChoices):
    MAJOR = "major", _("Major quality problem")
    GENERAL = "general", _("General problem")


class CallbackMethod(models.TextChoices):
    PHONE = "phone", _("Phone call-back")
    VISIT = "visit", _("Visit")


class CallbackSatisfaction(models.TextChoices):
    """The customer's satisfaction with the handling (grades of 002)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Not satisfied")


class AcknowledgementMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


class Complaint(QualityRecord):
    """质量信息反馈单 — the Quality Information Feedback Form of one complaint / grievance."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    # --- intake --------------------------------------------------------------------------
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_language = models.CharField(
        _("contact's language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    product_model = models.CharField(
        _("product model (if not in the catalogue)"), max_length=100, blank=True
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_place = models.CharField(_("purchase place"), max_length=200, blank=True)
    description = models.TextField(_("description of the problem"), validators=[text_max()])
    customer_demand = models.TextField(_("customer's demand"), blank=True, validators=[text_max()])
    # --- classification ------------------------------------------------------------------
    content_category = models.CharField(
        _("category (content)"), max_length=20, choices=ContentCategory.choices
    )
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    # --- workflow ------------------------------------------------------------------------
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ComplaintState.choices,
        default=ComplaintState.RECEIVED,
        db_index=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_owned",
    )
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_assigned",
    )
    due_at = models.DateTimeField(_("current step due"), null=True, blank=True, db_index=True)
    remedy_due_at = models.DateTimeField(_("first remedy due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(
        _("acknowledged by"), max_length=12, choices=AcknowledgementMethod.choices, blank=True
    )
    analysis = models.TextField(_("initial analysis"), blank=True, validators=[text_max()])
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated to quality"), default=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    quality_decision = models.TextField(
        _("quality's decision"), blank=True, validators=[text_max()]
    )
    first_remedy_at = models.DateTimeField(_("first remedy proposed at"), null=True, blank=True)
    result = models.TextField(_("result of the remedy"), blank=True, validators=[text_max()])
    carried_out_at = models.DateTimeField(_("remedy carried out at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True, validators=[text_max()])
    root_cause_at = models.DateTimeField(_("root cause recorded at"), null=True, blank=True)
    # --- link to corrective / preventive action (the CAPA module implements the hook) ------
    capa_required = models.BooleanField(
        _("corrective / preventive action needed"), null=True, blank=True
    )
    capa_content_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capa_object_id = models.CharField(max_length=64, blank=True)
    capa_reference = models.CharField(_("CAPA reference"), max_length=60, blank=True)
    capa = GenericForeignKey("capa_content_type", "capa_object_id")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    closing_note = models.TextField(_("closing note"), blank=True, validators=[text_max()])
    # --- call-back (回访) ----------------------------------------------------------------
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_method = models.CharField(
        _("call-back method"), max_length=10, choices=CallbackMethod.choices, blank=True
    )
    callback_satisfaction = models.CharField(
        _("satisfaction with the handling"),
        max_length=20,
        choices=CallbackSatisfaction.choices,
        blank=True,
    )
    callback_note = models.TextField(
        _("customer's opinion at the call-back"), blank=True, validators=[text_max()]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    # --- legal ---------------------------------------------------------------------------
    legal_flag = models.BooleanField(_("legal matter"), default=False)
    legal_flagged_at = models.DateTimeField(_("sent to legal at"), null=True, blank=True)
    legal_opinion = models.TextField(_("legal opinion"), blank=True, validators=[text_max()])
    legal_opinion_at = models.DateTimeField(_("legal opinion at"), null=True, blank=True)
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, validators=[text_max()]
    )

    class Meta:
        verbose_name = _("complaint (quality information feedback form)")
        verbose_name_plural = _("complaints")
        ordering = ("-received_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="complaint_year_seq"),
        ]
        indexes = [
            models.Index(fields=["customer", "-received_at"]),
            models.Index(fields=["state", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("complaints:detail", args=[self.pk])

    # --- permission scope: the customer's office/unit/region, and the department the
    # complaint is assigned to (QA after escalation) ----------------------------------------
    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(customer__branch_office_id__in=dept_ids)
            | Q(customer__business_unit_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
            | Q(responsible_department_id__in=dept_ids)
        )

    def scope_department_ids(self) -> set[int]:
        c = self.customer
        ids = {c.branch_office_id, c.business_unit_id, c.region_id, self.responsible_department_id}
        return {i for i in ids if i is not None}

    @property
    def is_open(self) -> bool:
        """Not closed yet (closure rate: 办结率)."""
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """The current step (the call-back after closing included) is past its deadline."""
        return bool(
            self.state in TIMED_STATES and self.due_at is not None and self.due_at < timezone.now()
        )

    @property
    def is_communicative(self) -> bool:
        return self.nature in COMMUNICATIVE

    @property
    def contact_display(self) -> str:
        if self.contact_id is not None and self.contact is not None:
            return str(self.contact)
        return self.contact_name

    @property
    def product_display(self) -> str:
        if self.product is not None:
            return str(self.product)
        return self.product_model


class RemedyKind(models.TextChoices):
    REPAIR = "repair", _("Repair / rework")
    EXCHANGE = "exchange", _("Exchange of goods")
    REFUND = "refund", _("Return and refund")
    COMPENSATION = "compensation", _("Cash compensation")
    TECHNICAL = "technical", _("Technical support / on-site service")
    EXPLANATION = "explanation", _("Explanation / apology")
    OTHER = "other", _("Other")


MONEY_KINDS = frozenset({RemedyKind.EXCHANGE, RemedyKind.REFUND, RemedyKind.COMPENSATION})


class ProposalStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVAL_REFUSED = "approval_refused", _("Approval refused")
    PROPOSED = "proposed", _("Proposed to the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    REJECTED = "rejected", _("Rejected by the customer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RemedyProposal(QualityRecord):
    """补救措施: one proposal to the customer; proposals are numbered 1, 2, … per complaint and
    every one is kept, whatever the customer answered."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.PositiveSmallIntegerField(_("proposal no."))
    kind = models.CharField(_("kind of remedy"), max_length=20, choices=RemedyKind.choices)
    description = models.TextField(_("remedy"), validators=[text_max()])
    amount = models.DecimalField(
        _("amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices)
    by_quality = models.BooleanField(_("proposed by quality"), default=False)
    approver_roles = models.CharField(_("approval by"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True, validators=[text_max()])
    proposed_at = models.DateTimeField(_("proposed to the customer at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("customer answered at"), null=True, blank=True)
    answer_note = models.TextField(_("customer's answer"), blank=True, validators=[text_max()])

    class Meta:
        verbose_name = _("remedy proposal")
        verbose_name_plural = _("remedy proposals")
        ordering = ("complaint", "number")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="proposal_number"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="proposal_amount_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} #{self.number}"

    @property
    def needs_money_approval(self) -> bool:
        return self.kind in MONEY_KINDS

    @property
    def customer(self) -> Customer:
        return self.complaint.customer

    def scope_department_ids(self) -> set[int]:
        return self.complaint.scope_department_ids()


class ComplaintMeeting(QualityRecord):
    """临时性会议 (003 §4.1.3 a): quality calls engineering, production and others for a major
    quality problem; the meeting decides the remedy."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_at = models.DateTimeField(_("held at"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments present"), related_name="+", blank=True
    )
    attendees = models.TextField(_("attendees"), validators=[text_max()])
    decision = models.TextField(_("decision"), validators=[text_max()])

    class Meta:
        verbose_name = _("ad-hoc meeting")
        verbose_name_plural = _("ad-hoc meetings")
        ordering = ("complaint", "held_at", "id")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.held_at:%Y-%m-%d}"

    def scope_department_ids(self) -> set[int]:
        return self.complaint.scope_department_ids()


class FailureType(models.TextChoices):
    """投诉处理事件责任追究条例 ② (002): the failures that are held to account."""

    DUTY = "duty", _("a. Duty not performed or not performed correctly")
    DEADLINE = "deadline", _("b. Work not done on time or as required")
    CONDUCT = "conduct", _("c. Inefficiency, sloppiness, delay or bad conduct")
    INSTRUCTION = "instruction", _("d. Superior's instruction not carried out")
    SHIRKING = "shirking", _("e. Passivity, shirking and buck-passing")
    TIME_LIMIT = "time_limit", _("f. Time limit missed without good reason")
    REPEATED = "repeated", _("g. Complaint not accepted or not investigated: repeated complaints")
    FORWARDED = "forwarded", _("h. Forwarded complaint not handled or reported in time")
    COVER_UP = "cover_up", _("i. Handler covered up for the responsible department or person")
    OTHER = "other", _("j. Other matters calling for accountability")


class AccountabilityMeasure(models.TextChoices):
    """③ 相关责任人的处罚 (002)."""

    VERBAL = "verbal", _("Verbal criticism")
    ADMONITION = "admonition", _("Admonition talk")
    CIRCULATED = "circulated", _("Circulated criticism")
    PERFORMANCE = "performance", _("Performance deduction")


class Accountability(QualityRecord):
    """责任追究: who caused the complaint, the measure decided by the leadership, and the
    deadline for rectification (限期整改)."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="accountabilities",
    )
    failure_type = models.CharField(_("failure"), max_length=20, choices=FailureType.choices)
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    measure = models.CharField(
        _("measure"), max_length=20, choices=AccountabilityMeasure.choices
    )
    performance_deduction = models.DecimalField(
        _("performance deduction (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    instruction = models.TextField(
        _("leadership's instruction"), blank=True, validators=[text_max()]
    )
    rectification = models.TextField(_("rectification required"), validators=[text_max()])
    rectification_deadline = models.DateField(_("rectification deadline"))
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ("complaint", "id")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_failure_type_display()}"

    def scope_department_ids(self) -> set[int]:
        return self.complaint.scope_department_ids() | {self.responsible_department_id}

    @property
    def is_overdue(self) -> bool:
        return self.rectified_on is None and self.rectification_deadline < timezone.localdate()

