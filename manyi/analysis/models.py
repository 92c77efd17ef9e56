"""Analysis records (统计分析, SPEC §9–§10): the scoring methods a campaign's report uses, the
yearly targets the GM approves (001 §六), and the problems a control-chart signal raises
(000 §4.2.1) for quality to act on.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manyi.common.models import QualityRecord
from manyi.common.validators import text_max

from .constants import Measure, Source


class Method(models.TextChoices):
    """The scoring methods of SPEC §10."""

    LEVEL_POINTS = "level-points", _("Level points 10/8/6/4/2: degree and rate (001 §五)")
    ITEM_PERCENT = "item-percent", _("Item percent of the maximum (001 §5.3.2)")
    ITEM_AVERAGE = "item-average", _("Item averages and customer sums (001 §5.5.2)")
    RATE_LOYALTY = "rate-loyalty", _("Satisfaction rate and loyalty by customer (004 §5)")
    TOP2BOX_KA = "top2box-ka", _("Top-2-box, key accounts weighted (ECSS 6.6–6.7)")
    BLEND = "blend", _("Self-evaluation 40 % + survey 60 % (001 §五)")


ALL_METHODS = ",".join(Method.values)


class BandSet(models.TextChoices):
    B002 = "002", _("002: ≥95 very / ≥80 fairly / ≥60 generally satisfied / dissatisfied")
    B002_FIVE = "002-five", _("002 §4.4.1: 100 / 90 / 80 / 20 / below")


class CampaignScoring(QualityRecord):
    """评分方法: which scoring methods a campaign's analysis and report use, and their
    parameters. A campaign without a record uses every method with the defaults."""

    campaign = models.OneToOneField(
        "surveys.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="scoring",
    )
    methods = models.CharField(_("scoring methods"), max_length=200, default=ALL_METHODS)
    self_weight = models.DecimalField(
        _("self-evaluation weight (blend)"), max_digits=4, decimal_places=2,
        default=Decimal("0.40"),
    )
    ka_weight = models.DecimalField(
        _("key-account weight (top-2-box)"), max_digits=5, decimal_places=2,
        default=Decimal("2"),
    )
    rate_above = models.DecimalField(
        _("satisfied customer scores above"), max_digits=5, decimal_places=2,
        default=Decimal("80"),
    )
    loyalty_above = models.DecimalField(
        _("loyal customer scores above"), max_digits=5, decimal_places=2, default=Decimal("90")
    )
    bands = models.CharField(
        _("grade bands"), max_length=10, choices=BandSet.choices, default=BandSet.B002
    )

    class Meta:
        verbose_name = _("scoring methods of a campaign")
        verbose_name_plural = _("scoring methods of campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ka_weight__gte=2), name="analysis_scoring_ka_weight_ge_2"
            ),
            models.CheckConstraint(
                condition=Q(self_weight__gte=0) & Q(self_weight__lte=1),
                name="analysis_scoring_self_weight_0_1",
            ),
            models.CheckConstraint(
                condition=Q(loyalty_above__gte=models.F("rate_above")),
                name="analysis_scoring_loyalty_ge_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.methods}"

    @property
    def method_list(self) -> list[str]:
        return [m for m in self.methods.split(",") if m in Method.values]


class TargetStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved by the GM")


class AnalysisTarget(QualityRecord):
    """满意度目标值: the yearly target of a measure (001 §六: set from the average advanced
    value of past campaigns, approved by the GM). Missing it asks for an improvement plan."""

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    suggested = models.DecimalField(
        _("suggested (average advanced value)"), max_digits=14, decimal_places=2, null=True,
        blank=True,
    )
    basis = models.CharField(_("basis of the suggestion"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.PROPOSED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ("-year", "measure")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"], condition=Q(archived_at__isnull=True),
                name="analysis_target_once_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.year}: {self.value}"

    @property
    def approved(self) -> bool:
        return self.status == TargetStatus.APPROVED


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open – for quality to act on")
    IN_CAPA = "in_capa", _("Taken into corrective / preventive action")
    DISMISSED = "dismissed", _("Dismissed (no action needed)")


class Severity(models.IntegerChoices):
    HIGH = 3, _("High – beyond a control limit")
    MEDIUM = 2, _("Medium – run rule violated")
    LOW = 1, _("Low – near the lower control limit")


class Problem(QualityRecord):
    """问题记录: a signal of a control chart (a point beyond a limit, a run rule violated in the
    bad direction, or a satisfaction figure near its lower limit — 000 §4.2.1), with its
    evidence. Quality decides: cause-effect / Pareto analysis and a CAPA, or dismiss."""

    key = models.CharField(_("signal"), max_length=120, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    period = models.CharField(_("period"), max_length=40)
    title = models.CharField(_("problem"), max_length=300)
    campaign = models.ForeignKey(
        "surveys.Campaign", verbose_name=_("campaign"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    value = models.FloatField(pgettext_lazy("measured", "value"))
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN,
        db_index=True,
    )
    note = models.TextField(_("quality's note"), blank=True, validators=[text_max()])
    capa_reference = models.CharField(_("CAPA reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("problem (analysis signal)")
        verbose_name_plural = _("problems")
        ordering = ("status", "-severity", "-detected_at", "-id")

    def __str__(self) -> str:
        return self.title

    # Problems are company-wide: only ALL grants exist; an OWN grant would see none.
    @classmethod
    def scope_q(cls, dept_ids: set[int]) -> Q:
        return Q(pk__in=[])

    def scope_department_ids(self) -> set[int]:
        return set()

    @property
    def is_open(self) -> bool:
        return self.status == ProblemStatus.OPEN
