"""Every number the analyses use as a rule lives here (SPEC §9, §10; 000 §4.2.1; 001 §六).

The measures (a survey figure, a complaint figure or a monthly KPI) are named once with their
unit, their good direction and the control chart that watches them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Campaign analysis ----------------------------------------------------------------------
#: campaigns on the trend chart (the analysed one and the ones before it, same questionnaire)
TREND_CAMPAIGNS = 8
#: items shown as the lowest / largest rise / largest fall (002)
ITEM_RANKING = 5
#: an item is a praise candidate when at least this share of its answers is the top level
PRAISE_TOP_SHARE = 50
#: confidence level of the intervals and significance level of the change marks
CONFIDENCE = 0.95
ALPHA = 0.05
#: responses read (the most recent ones) for the importance–performance quadrant; the only
#: figure that needs respondent-level answers, so it is bounded
DRIVER_SAMPLE = 1500
#: customer-score histogram: equal bins over 0–100
HISTOGRAM_BINS = 10
#: a breakdown shows at most this many groups (the rest are summed as "other")
BREAKDOWN_MAX = 30

# --- Complaints -----------------------------------------------------------------------------
#: months on the complaint and KPI control charts by default
MONTHS_DEFAULT = 24
#: Pareto by product / customer: the top categories, the rest as "other"
PARETO_TOP = 15
#: the u chart counts complaints per this many delivered units
UNITS_PER = 1000

# --- Signals (000 §4.2.1) -------------------------------------------------------------------
#: a satisfaction point at or below centre − this many σ is "near the lower control limit"
NEAR_LIMIT_SIGMAS = 2.0
#: points needed before a series' limits are trusted enough to raise a problem
MIN_POINTS = 4
#: only the last points of a series are scanned (a sweep that missed a month still sees it)
SIGNAL_LOOKBACK = 3
#: rules whose violation has a direction (the others, N4 / N7 / N8, never raise a problem)
DIRECTIONAL_RULES = frozenset(
    {"WE1", "WE2", "WE3", "WE4", "N1", "N2", "N3", "N5", "N6"}
)


class Source(models.TextChoices):
    SURVEY = "survey", _("Satisfaction survey")
    COMPLAINT = "complaint", _("Complaints")
    KPI = "kpi", _("KPI monitoring")


class Measure(models.TextChoices):
    DEGREE = "survey.degree", _("Satisfaction degree (%)")
    RATE = "survey.rate", _("Satisfaction rate (%)")
    TOP2 = "survey.top2", _("Top-2-box share (%)")
    RETURN = "survey.return_rate", _("Survey return rate (%)")
    COMPLAINTS = "complaint.count", _("Complaints per month")
    COMPLAINTS_PER_UNITS = "complaint.per_units", _("Complaints per 1 000 delivered units")
    CLOSURE = "complaint.closure_rate", _("Complaint closure rate (%)")
    ON_TIME = "kpi.on_time", _("On-time delivery rate (%)")
    PPM = "kpi.ppm", _("Delivered quality (PPM)")
    RETURNS = "kpi.return_rate", _("Return rate (%)")
    REPAIR = "kpi.repair_rate", _("Repair rate (%)")
    CHURN = "kpi.churn", _("Customer churn (%)")
    FREIGHT = "kpi.extra_freight", _("Extra freight from split deliveries (CNY)")


@dataclass(frozen=True)
class MeasureInfo:
    source: str
    higher_is_better: bool
    chart: str  # the control chart that watches the measure


MEASURES: dict[str, MeasureInfo] = {
    Measure.DEGREE: MeasureInfo(Source.SURVEY, True, "xmr"),
    Measure.RATE: MeasureInfo(Source.SURVEY, True, "xmr"),
    Measure.TOP2: MeasureInfo(Source.SURVEY, True, "xmr"),
    Measure.RETURN: MeasureInfo(Source.SURVEY, True, "xmr"),
    Measure.COMPLAINTS: MeasureInfo(Source.COMPLAINT, False, "c"),
    Measure.COMPLAINTS_PER_UNITS: MeasureInfo(Source.COMPLAINT, False, "u"),
    Measure.CLOSURE: MeasureInfo(Source.COMPLAINT, True, "p"),
    Measure.ON_TIME: MeasureInfo(Source.KPI, True, "p"),
    Measure.PPM: MeasureInfo(Source.KPI, False, "u"),
    Measure.RETURNS: MeasureInfo(Source.KPI, False, "p"),
    Measure.REPAIR: MeasureInfo(Source.KPI, False, "p"),
    Measure.CHURN: MeasureInfo(Source.KPI, False, "p"),
    Measure.FREIGHT: MeasureInfo(Source.KPI, False, "xmr"),
}


def higher_is_better(measure: str) -> bool:
    return MEASURES[measure].higher_is_better
