"""Every configurable rule of complaint handling, in ONE place.

Defaults follow the seeds (003 §4.1, 002 投诉管理, SPEC §4 and §14). A deployment overrides any of
them in the Django settings::

    MANYI_COMPLAINTS = {"remedy_hours": 24, "remedy_hours_mode": "working"}

Deadline rules
--------------
* **48 hours** (003 §4.1.2: 48小时内提出补救措施) for the first remedy proposal of a complaint
  that is not escalated, counted from the moment the complaint was received. The seed says
  "48小时" without "工作", so the default counts **clock hours** (a complaint received on Friday
  10:00 is due on Sunday 10:00); `remedy_hours_mode = "working"` counts working hours of the
  company calendar instead (8 working hours a day).
* Every other step counts **working days** of the company calendar (PRC statutory calendar with
  the make-up working days, plus the company's closures): the deadline is the same clock time
  `n` working days after the step started (`manyi.common.calendar.deadline_in_workdays`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ComplaintConfig:
    # --- deadlines -------------------------------------------------------------------------
    remedy_hours: int = 48  # first remedy of a non-escalated complaint (003 §4.1.2)
    remedy_hours_mode: str = "clock"  # "clock" or "working"
    initial_analysis_workdays: int = 1  # received → initial analysis by sales
    escalated_remedy_workdays: int = 3  # escalated → quality's remedy proposal
    approval_workdays: int = 1  # a money proposal waits for the superior
    answer_workdays: int = 3  # proposal communicated → the customer's answer is recorded
    carry_out_workdays: int = 5  # accepted → remedy carried out
    root_cause_workdays: int = 10  # carried out → root cause recorded
    close_workdays: int = 2  # root cause → closed
    callback_workdays: int = 5  # closed → call-back (回访)
    # The owner's manager is told when a step is still overdue this many working days after
    # its deadline (0 = at the same time as the owner).
    manager_escalation_workdays: int = 1
    # --- money (002: 不得自行许诺客户赔偿数额) ---------------------------------------------------
    # A proposal with money needs the superior's approval before it is communicated:
    # sales_manager for sales-handled complaints, quality_manager for escalated ones, and
    # deputy_gm above `high_amount` (CNY). gm and admin may always approve.
    approver_roles_sales: tuple[str, ...] = ("sales_manager",)
    approver_roles_quality: tuple[str, ...] = ("quality_manager",)
    approver_roles_high: tuple[str, ...] = ("deputy_gm",)
    approver_roles_always: tuple[str, ...] = ("gm", "admin")
    high_amount: Decimal = Decimal("10000")
    # --- analysis (003 §4.1.7) ----------------------------------------------------------------
    # Recurring: the same customer complained about the same content category at least
    # `recurring_min_count` times within the last `recurring_window_months` months (the
    # complaint itself included); otherwise occasional.
    recurring_min_count: int = 2
    recurring_window_months: int = 3
    # Abnormal trend: a month with at least `abnormal_min_increase` complaints more than its
    # baseline AND at least `abnormal_factor` times the baseline. The baseline is the mean of
    # the previous `abnormal_baseline_months` months — or, with `abnormal_seasonal`, the same
    # month a year earlier when that was higher (so the usual summer peak of the power
    # supplies is not flagged every year; a peak higher than last year's still is).
    abnormal_baseline_months: int = 3
    abnormal_factor: Decimal = Decimal("1.5")
    abnormal_min_increase: int = 3
    abnormal_seasonal: bool = True
    # --- KPIs (002: 办结率不得低于80%) -----------------------------------------------------------
    closure_rate_target: Decimal = Decimal("80")


def complaint_config() -> ComplaintConfig:
    """The defaults above with the deployment's `settings.MANYI_COMPLAINTS` applied."""
    overrides: dict[str, Any] = dict(getattr(settings, "MANYI_COMPLAINTS", {}) or {})
    known = {f.name: f for f in fields(ComplaintConfig)}
    unknown = set(overrides) - set(known)
    if unknown:
        raise ValueError(f"MANYI_COMPLAINTS: unknown keys {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    for name, value in overrides.items():
        default = getattr(ComplaintConfig, name)
        if isinstance(default, Decimal):
            value = Decimal(str(value))
        elif isinstance(default, tuple):
            value = tuple(value)
        cleaned[name] = value
    config = replace(ComplaintConfig(), **cleaned)
    if config.remedy_hours_mode not in ("clock", "working"):
        raise ValueError("MANYI_COMPLAINTS: remedy_hours_mode must be 'clock' or 'working'")
    return config
