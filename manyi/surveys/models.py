"""Satisfaction survey campaigns (顾客满意度调查, SPEC §8).

Templates (调查表) are versioned trees of items; a campaign keeps the template version it
was sent with. Answers are a narrow table (one row per response × item); the rollup tables
(ItemRollup, CustomerRollup, CampaignTally) are kept up to date at submission so that the
tracking figures and every scoring method of SPEC §10 can be computed without scanning answers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from manyi.common.models import QualityRecord
from manyi.common.validators import text_max

from . import constants as C


class Scale(models.TextChoices):
    FIVE = "five", _("1–5 with “unable to comment”")
    AGREE = "agree", _("1–5 agreement with “unable to comment”")
    VERBAL = "verbal", _("Five verbal levels (very satisfied … very dissatisfied)")
    TEN = "ten", _("0–10")
    POINTS = "points", _("Points out of the item maximum")
    TEXT = "text", _("Free text")
    NONE = "none", _("Heading, no answer")


class ItemLevel(models.TextChoices):
    DIMENSION = "dimension", _("Dimension / aspect")
    FACTOR = "factor", _("Factor")
    SUBFACTOR = "subfactor", _("Sub-factor")
    DETAIL = "detail", _("Detail question")
    TEXT = "text", _("Opinion / suggestion")


SCORED_LEVELS = frozenset({ItemLevel.FACTOR, ItemLevel.SUBFACTOR})
RATED_SCALES = frozenset({Scale.FIVE, Scale.AGREE, Scale.VERBAL, Scale.TEN, Scale.POINTS})


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SurveyTemplate(QualityRecord):
    """调查表模板: one version of a questionnaire. Published versions are frozen."""

    code = models.CharField(_("code"), max_length=40)
    version_no = models.PositiveIntegerField(_("template version"), default=1)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction (Chinese)"), blank=True, validators=[text_max()])
    intro_en = models.TextField(_("introduction (English)"), blank=True, validators=[text_max()])
    source = models.CharField(_("source"), max_length=100, blank=True)
    builtin = models.BooleanField(_("built in"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    competitor_block = models.BooleanField(
        _("competitor block"),
        default=False,
        help_text=_("Ask the marked items again for a competitor named by the respondent."),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")
        ordering = ("code", "-version_no")
        constraints = [
            models.UniqueConstraint(fields=["code", "version_no"], name="survey_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} v{self.version_no}"

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == TemplateStatus.PUBLISHED


class TemplateItem(models.Model):
    """调查项目: a node of the template tree (dimension → factor → sub-factor → detail)."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(_("key"), max_length=30)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    level = models.CharField(_("level"), max_length=10, choices=ItemLevel.choices)
    text = models.CharField(_("question (Chinese)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    max_points = models.PositiveSmallIntegerField(_("item maximum"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    competitor = models.BooleanField(_("also rated for the competitor"), default=False)

    class Meta:
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        ordering = ("template", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="survey_item_key"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="survey_item_weight_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.display_text}"

    @property
    def display_text(self) -> str:
        if self.text_en and (get_language() or "").startswith("en"):
            return self.text_en
        return self.text

    @property
    def rated(self) -> bool:
        return self.scale in RATED_SCALES

    @property
    def scored(self) -> bool:
        """Only factors and sub-factors count in scores (ECSS 6.6.2)."""
        return self.rated and self.level in SCORED_LEVELS

    @property
    def min_value(self) -> int:
        return 1 if self.scale in (Scale.FIVE, Scale.AGREE, Scale.VERBAL) else 0

    @property
    def max_value(self) -> int:
        if self.scale == Scale.TEN:
            return 10
        if self.scale == Scale.POINTS:
            return int(self.max_points or 0)
        return 5 if self.rated else 0

    def is_low(self, value: int) -> bool:
        if self.scale in (Scale.FIVE, Scale.AGREE, Scale.VERBAL):
            return value <= C.LOW_SCORE_MAX
        top = self.max_value
        return bool(top) and Decimal(value) * 100 / Decimal(top) <= C.LOW_SCORE_PERCENT

    def is_top2(self, value: int) -> bool:
        """ECSS 6.7.2.1: an answer of 4 or 5 on a 1–5 scale is one satisfied count."""
        return self.scale in (Scale.FIVE, Scale.AGREE, Scale.VERBAL) and value >= 4


class PeriodKind(models.TextChoices):
    Q1 = "Q1", _("1st quarter")
    Q2 = "Q2", _("2nd quarter")
    Q3 = "Q3", _("3rd quarter")
    Q4 = "Q4", _("4th quarter")
    H1 = "H1", _("1st half")
    H2 = "H2", _("2nd half")
    YEAR = "Y", _("Whole year")


class CampaignKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Regular – quarterly (key customers)")
    SEMIANNUAL = "semiannual", _("Regular – semi-annual (ordinary customers)")
    ANNUAL = "annual", _("Regular – annual")
    SPECIAL = "special", _("Special (e.g. after a major complaint)")


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    LIST_SUBMITTED = "list_submitted", _("Target list awaiting approval")
    LIST_APPROVED = "list_approved", _("Target list approved")
    RUNNING = "running", _("Sent, collecting answers")
    CLOSED = "closed", _("Closed")


class Campaign(QualityRecord):
    """满意度调查活动: one survey round, with its target list, deadlines and validity rule."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("questionnaire (version)"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CampaignKind.choices)
    period_year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=PeriodKind.choices)
    reason = models.CharField(_("reason (special survey)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.PLANNING,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (customer service)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("start date"))
    # Deadlines (aware datetimes on the working-day calendar; computed from start_date).
    distribute_by = models.DateTimeField(_("questionnaires out by"))
    feedback_by = models.DateTimeField(_("first feedback by"))
    collection_closes = models.DateTimeField(_("collection closes"))
    ends_at = models.DateTimeField(_("whole process ends"))
    # Target-list rules.
    rule_levels = models.CharField(_("customer levels"), max_length=60, blank=True)
    rule_classes = models.CharField(_("customer classes"), max_length=10, blank=True)
    rule_key_accounts_only = models.BooleanField(_("key accounts only"), default=False)
    rule_business_units = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("business units"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "business_unit"},
    )
    rule_coverage = models.DecimalField(
        _("minimum revenue coverage per BU"),
        max_digits=4,
        decimal_places=2,
        default=C.COVERAGE_MIN,
    )
    # Follow-up.
    reminder_interval = models.PositiveSmallIntegerField(
        _("reminder every (working days)"), default=C.REMINDER_INTERVAL_WORKDAYS
    )
    reminder_max = models.PositiveSmallIntegerField(_("reminders at most"), default=C.REMINDER_MAX)
    link_valid_days = models.PositiveSmallIntegerField(
        _("link valid (days)"), default=C.LINK_VALID_DAYS
    )
    verify_percent = models.DecimalField(
        _("call-back share of delegated forms (%)"),
        max_digits=5,
        decimal_places=2,
        default=C.VERIFY_SHARE_PERCENT,
    )
    verify_seed = models.PositiveIntegerField(_("call-back sample seed"), default=1)
    auto_complaint = models.BooleanField(
        _("open complaints for low scores automatically"), default=False
    )
    # Validity.
    min_return_rate = models.DecimalField(
        _("minimum return rate (%)"), max_digits=5, decimal_places=2, default=C.DEFAULT_RETURN_RATE
    )
    min_forms = models.PositiveIntegerField(_("minimum forms"), default=C.DEFAULT_MIN_FORMS)
    min_competitor_forms = models.PositiveIntegerField(
        _("minimum competitor forms"), default=C.DEFAULT_MIN_COMPETITOR_FORMS
    )
    round = models.PositiveSmallIntegerField(_("sending round"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    valid = models.BooleanField(_("valid"), null=True, blank=True)
    validity_note = models.CharField(_("validity"), max_length=300, blank=True)
    verification_drawn = models.BooleanField(_("call-back sample drawn"), default=False)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ("-period_year", "-start_date", "-id")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CampaignTarget(models.Model):
    """受访客户: a customer on the target list, with the rule that selected it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="survey_targets",
    )
    business_unit = models.ForeignKey(
        "accounts.Department", verbose_name=_("business unit"), on_delete=models.PROTECT,
        related_name="+",
    )
    revenue = models.DecimalField(_("annual revenue (CNY)"), max_digits=16, decimal_places=2)
    reasons = models.CharField(_("selected because"), max_length=300, blank=True)
    manual = models.BooleanField(_("added by hand"), default=False)

    class Meta:
        verbose_name = _("target customer")
        verbose_name_plural = _("target customers")
        ordering = ("campaign", "business_unit", "-revenue")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="survey_target_once")
        ]

    def __str__(self) -> str:
        return str(self.customer)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")


class TargetApproval(QualityRecord):
    """名单确认: the BU head approves the target list of his business unit (ECSS 6.3.1)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="approvals"
    )
    business_unit = models.ForeignKey(
        "accounts.Department", verbose_name=_("business unit"), on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    coverage = models.DecimalField(_("revenue coverage"), max_digits=5, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("target list approval")
        verbose_name_plural = _("target list approvals")
        ordering = ("campaign", "business_unit")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "business_unit"], name="survey_approval_per_bu"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign.number} {self.business_unit}"

    def scope_department_ids(self) -> set[int]:
        return {self.business_unit_id}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return Q(business_unit_id__in=dept_ids)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail link")
    LINK = "link", _("Web link / QR code")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    DELEGATED = "delegated", _("Delegated to the branch office")


class InvitationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    PARTIAL = "partial", _("Partly answered")
    COMPLETED = "completed", _("Completed")


class Invitation(models.Model):
    """受访者: one respondent of a campaign (a contact of a target customer)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="survey_invitations",
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="survey_invitations",
    )
    name = models.CharField(_("respondent"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    function = models.CharField(_("function"), max_length=20, blank=True)
    decision_class = models.CharField(_("decision class"), max_length=1, default="B")
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    delegated_office = models.ForeignKey(
        "accounts.Department", verbose_name=_("delegated to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # group snapshot (the rollup cube's coordinates), taken when the list is built
    business_unit = models.ForeignKey(
        "accounts.Department", verbose_name=_("business unit"), on_delete=models.PROTECT,
        related_name="+",
    )
    branch_office = models.ForeignKey(
        "accounts.Department", verbose_name=_("branch office"), on_delete=models.PROTECT,
        related_name="+",
    )
    customer_class = models.CharField(_("customer class"), max_length=2, default="B")
    key_account = models.BooleanField(_("key account"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices,
        default=InvitationStatus.PLANNED,
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    started_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ("campaign", "customer", "name", "id")
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["campaign", "delegated_office"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"

    def scope_department_ids(self) -> set[int]:
        ids = {self.branch_office_id, self.business_unit_id}
        if self.delegated_office_id:
            ids.add(self.delegated_office_id)
        return ids

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(branch_office_id__in=dept_ids)
            | Q(business_unit_id__in=dept_ids)
            | Q(delegated_office_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
        )


class SurveyLink(models.Model):
    """个人链接: a personal link. Only the SHA-256 digest of the token is stored."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("respondent"), on_delete=models.CASCADE, related_name="links"
    )
    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(_("issued for"), max_length=20, default="email")
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.digest[:8]}"


class ResponseSource(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SELF = "self", _("Self-evaluation (sales)")


class ResponseChannel(models.TextChoices):
    WEB = "web", _("Web form")
    PAPER = "paper", _("Returned letter")
    FAX = "fax", _("Returned fax")
    EMAIL = "email", _("Returned by e-mail")
    PROXY = "proxy", _("Filled by staff for the customer")
    STAFF = "staff", _("Staff (self-evaluation)")


class ResponseStatus(models.TextChoices):
    PARTIAL = "partial", _("Partial")
    SUBMITTED = "submitted", _("Submitted")


class VerifyStatus(models.TextChoices):
    NONE = "", _("Not selected")
    PENDING = "pending", _("Call-back due")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    DISCREPANCY = "discrepancy", _("Differs from what the customer says")
    UNREACHABLE = "unreachable", _("Customer not reached")


class Response(QualityRecord):
    """调查表 (已回收): one filled questionnaire."""

    # no single-column indexes where a composite one starts with the column (the (campaign,
    # status) index, the one-response-per-invitation constraint): fewer indexes to write at
    # every submission (docs/decisions/0008)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses",
        db_index=False,
    )
    invitation = models.ForeignKey(
        Invitation, verbose_name=_("respondent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="responses", db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.CUSTOMER
    )
    channel = models.CharField(_("returned by"), max_length=8, choices=ResponseChannel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.PARTIAL
    )
    respondent = models.CharField(_("respondent"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # group snapshot = the coordinates of this response in the rollup cube
    business_unit = models.ForeignKey(
        "accounts.Department", verbose_name=_("business unit"), on_delete=models.PROTECT,
        related_name="+",
    )
    branch_office = models.ForeignKey(
        "accounts.Department", verbose_name=_("branch office"), on_delete=models.PROTECT,
        related_name="+",
    )
    customer_class = models.CharField(_("customer class"), max_length=2, default="B")
    key_account = models.BooleanField(_("key account"), default=False)
    function = models.CharField(_("function"), max_length=20, blank=True)
    decision_class = models.CharField(_("decision class"), max_length=1, blank=True)
    delegated = models.BooleanField(_("delegated"), default=False)
    competitor_name = models.CharField(_("competitor"), max_length=120, blank=True)
    # proxy filling (004 §6.2.3)
    proxy = models.BooleanField(_("filled by staff for the customer"), default=False)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filled by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    proxy_note = models.CharField(_("proxy note"), max_length=300, blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    thanked_at = models.DateTimeField(_("thank-you letter sent"), null=True, blank=True)
    # per-form totals (scored items only), kept at submission
    answered = models.PositiveSmallIntegerField(_("answered items"), default=0)
    not_applicable = models.PositiveSmallIntegerField(_("unable to comment"), default=0)
    value_sum = models.PositiveIntegerField(_("points"), default=0)
    max_sum = models.PositiveIntegerField(_("points possible"), default=0)
    top2 = models.PositiveSmallIntegerField(_("satisfied answers (4–5)"), default=0)
    low = models.PositiveSmallIntegerField(_("low answers"), default=0)
    # verification call-back (004 §6.1.4)
    verify_status = models.CharField(
        _("call-back"), max_length=12, choices=VerifyStatus.choices, default="", blank=True
    )
    verify_note = models.CharField(_("call-back note"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called back by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    verified_at = models.DateTimeField(_("called back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ("campaign", "-submitted_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "source"],
                condition=Q(invitation__isnull=False),
                name="survey_one_response_per_invitation",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign.number} · {self.customer.code} · {self.respondent}"

    @property
    def percent(self) -> Decimal | None:
        if not self.max_sum:
            return None
        return Decimal(self.value_sum) * 100 / Decimal(self.max_sum)

    def scope_department_ids(self) -> set[int]:
        return {self.branch_office_id, self.business_unit_id}

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(branch_office_id__in=dept_ids)
            | Q(business_unit_id__in=dept_ids)
            | Q(customer__region_id__in=dept_ids)
        )


class Answer(models.Model):
    """One answer: response × item (× competitor). value None with na=True = unable to comment."""

    response = models.ForeignKey(  # indexed by the survey_answer_once constraint
        Response, verbose_name=_("response"), on_delete=models.PROTECT, related_name="answers",
        db_index=False,
    )
    item = models.ForeignKey(
        TemplateItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers"
    )
    competitor = models.BooleanField(_("about the competitor"), default=False)
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    na = models.BooleanField(_("unable to comment"), default=False)
    text = models.TextField(_("text"), blank=True)
    complaint_requested = models.BooleanField(_("complaint requested"), default=False)
    complaint_ref = models.CharField(_("complaint"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item", "competitor"], name="survey_answer_once"
            ),
            models.CheckConstraint(
                condition=~(Q(na=True) & Q(value__isnull=False)), name="survey_answer_na_no_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}={self.value if not self.na else 'N/A'}"


class ItemRollup(models.Model):
    """The rollup cube: submitted answers counted per campaign × item × value × customer group.

    value = NA_VALUE (-1) counts "unable to comment". Every scoring method of SPEC §10 that
    works on answers (item-average, item-percent, level-points, top-2-box, histograms) sums
    these cells; none scans the answers."""

    # the cell constraint's index starts with the campaign
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+",
                                 db_index=False)
    item = models.ForeignKey(TemplateItem, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=8)
    competitor = models.BooleanField()
    bu = models.BigIntegerField()
    office = models.BigIntegerField()
    customer_class = models.CharField(max_length=2)
    key_account = models.BooleanField()
    function = models.CharField(max_length=20)
    decision_class = models.CharField(max_length=1)
    value = models.SmallIntegerField()
    count = models.IntegerField(default=0)

    KEY = (
        "campaign_id", "item_id", "source", "competitor", "bu",
        "office", "customer_class", "key_account", "function", "decision_class",
        "value",
    )

    class Meta:
        verbose_name = _("item rollup")
        verbose_name_plural = _("item rollups")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "campaign", "item", "source", "competitor", "bu",
                    "office", "customer_class", "key_account", "function",
                    "decision_class", "value",
                ],
                name="survey_item_rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}×{self.count}"


class CustomerRollup(models.Model):
    """Per campaign × customer sums (rate-loyalty, customer-sum, top-2-box per customer)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+",
                                 db_index=False)  # the cell constraint's index starts with it
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=8)
    competitor = models.BooleanField()
    key_account = models.BooleanField(default=False)
    forms = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    not_applicable = models.IntegerField(default=0)
    value_sum = models.IntegerField(default=0)
    max_sum = models.IntegerField(default=0)
    weighted_value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    weighted_max = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    top2 = models.IntegerField(default=0)
    top2_answered = models.IntegerField(default=0)
    low = models.IntegerField(default=0)

    KEY = ("campaign_id", "customer_id", "source", "competitor", "key_account")
    SUMS = (
        "forms", "answered", "not_applicable", "value_sum", "max_sum", "weighted_value",
        "weighted_max", "top2", "top2_answered", "low",
    )

    class Meta:
        verbose_name = _("customer rollup")
        verbose_name_plural = _("customer rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer", "source", "competitor", "key_account"],
                name="survey_customer_rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.customer_id}"

    @property
    def score(self) -> Decimal | None:
        """The customer's weighted score out of 100 (Σ w·value / Σ w·max × 100)."""
        if not self.weighted_max:
            return None
        return self.weighted_value * 100 / self.weighted_max


class CampaignTally(models.Model):
    """Tracking counters per campaign × BU × office × customer class × respondent class."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies",
                                 db_index=False)  # the cell constraint's index starts with it
    business_unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT,
                                      related_name="+")
    branch_office = models.ForeignKey("accounts.Department", on_delete=models.PROTECT,
                                      related_name="+")
    customer_class = models.CharField(max_length=2)
    decision_class = models.CharField(max_length=1)
    delegated = models.BooleanField()
    invited = models.IntegerField(default=0)
    sent = models.IntegerField(default=0)
    opened = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    proxy = models.IntegerField(default=0)
    competitor_forms = models.IntegerField(default=0)

    KEY = (
        "campaign_id", "business_unit_id", "branch_office_id", "customer_class",
        "decision_class", "delegated",
    )
    SUMS = ("invited", "sent", "opened", "started", "completed", "proxy", "competitor_forms")

    class Meta:
        verbose_name = _("campaign tally")
        verbose_name_plural = _("campaign tallies")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "campaign", "business_unit", "branch_office", "customer_class",
                    "decision_class", "delegated",
                ],
                name="survey_tally_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.completed}/{self.invited}"


class TaskKind(models.TextChoices):
    CHASE = "chase", _("Phone chase")
    VERIFY = "verify", _("Call-back check")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUpTask(QualityRecord):
    """跟催/回访任务: a phone chase of a silent respondent or a call-back check of a response."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=TaskKind.choices)
    invitation = models.ForeignKey(
        Invitation, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="tasks"
    )
    response = models.ForeignKey(
        Response, verbose_name=_("response"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tasks",
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=6, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    result = models.CharField(_("result"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ("status", "due_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "kind", "round"], name="survey_task_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.invitation}"

    def scope_department_ids(self) -> set[int]:
        return self.invitation.scope_department_ids()

    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return (
            Q(invitation__branch_office_id__in=dept_ids)
            | Q(invitation__business_unit_id__in=dept_ids)
            | Q(invitation__delegated_office_id__in=dept_ids)
        )
