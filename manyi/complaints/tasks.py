"""Background jobs of complaint handling: the overdue sweep (every 15 minutes)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic

from .services import abnormal_trend_check, sweep_overdue


@register_periodic("complaints.sweep_overdue", timedelta(minutes=15))
@task()
def complaints_sweep_overdue() -> dict[str, int]:
    """Remind the owner of every overdue step and, after the configured delay, the owner's
    manager; idempotent (notify keys per step and deadline)."""
    return sweep_overdue()


@register_periodic("complaints.abnormal_trend", timedelta(hours=6))
@task()
def complaints_abnormal_trend() -> int:
    """Ask for a rectification plan when last month's complaints trend is abnormal (once)."""
    return abnormal_trend_check()
