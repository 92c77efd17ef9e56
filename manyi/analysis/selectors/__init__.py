"""Reads for the analysis pages, the API, the signal scan and (later) the reports."""

from .complaints import ComplaintAnalysis, MonthlyChart, complaint_analysis
from .kpi import KpiAnalysis, kpi_analysis
from .periods import Month, default_window, month_range, window
from .records import problem_get, problem_list, target_list
from .survey import (
    CampaignAnalysis,
    analysable_campaigns,
    campaign_analysis,
    scoring_of,
    trend_campaigns,
)

__all__ = [
    "CampaignAnalysis",
    "ComplaintAnalysis",
    "KpiAnalysis",
    "Month",
    "MonthlyChart",
    "analysable_campaigns",
    "campaign_analysis",
    "complaint_analysis",
    "default_window",
    "kpi_analysis",
    "month_range",
    "problem_get",
    "problem_list",
    "scoring_of",
    "target_list",
    "trend_campaigns",
    "window",
]
