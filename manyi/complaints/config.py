"""Every configurable rule of complaint handling, in ONE place.

Defaults follow the seeds (003 §4.1, 002 投诉管理, SPEC §4). A deployment overrides any of them
in the Django settings::

    MANYI_COMPLAINTS = {"high_amount": 20000, "recurring_window_months": 6}

The deadlines of the steps (the 48 hours of 003 §4.1.2, the working days of the other steps)
are rules of the common deadline table: `manyi.complaints.deadlines`, set in the admin
(deadline settings). The older deadline keys of `MANYI_COMPLAINTS` (`remedy_hours`,
`remedy_hours_mode`, `escalated_remedy_workdays`…) are still accepted here and read there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ComplaintConfig:
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
    from .deadlines import SETTING_KEYS, remedy_unit

    overrides: dict[str, Any] = dict(getattr(settings, "MANYI_COMPLAINTS", {}) or {})
    known = {f.name: f for f in fields(ComplaintConfig)}
    unknown = set(overrides) - set(known) - SETTING_KEYS
    if unknown:
        raise ValueError(f"MANYI_COMPLAINTS: unknown keys {sorted(unknown)}")
    remedy_unit()  # refuses an unknown remedy_hours_mode
    cleaned: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in known:
            continue  # a deadline: manyi.complaints.deadlines reads it
        default = getattr(ComplaintConfig, name)
        if isinstance(default, Decimal):
            value = Decimal(str(value))
        elif isinstance(default, tuple):
            value = tuple(value)
        cleaned[name] = value
    return replace(ComplaintConfig(), **cleaned)
