"""Background jobs of the feedback register (django.tasks API)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic

from .services import feedback_overdue_sweep


@register_periodic("feedback.overdue_sweep", timedelta(minutes=15))
@task()
def feedback_overdue_sweep_task() -> int:
    """Notify assignees of overdue open inquiries (idempotent: once per entry and due date)."""
    return feedback_overdue_sweep()
