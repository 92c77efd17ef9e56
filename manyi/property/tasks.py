"""Background jobs of customer property (django.tasks API)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic

from .services import loan_overdue_sweep


@register_periodic("property.loan_overdue_sweep", timedelta(minutes=30))
@task()
def loan_overdue_sweep_task() -> int:
    """Remind borrowers of overdue loans, then their managers (each once)."""
    return loan_overdue_sweep()
