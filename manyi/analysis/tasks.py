"""Background jobs of the analyses (django.tasks API)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic

from .services import signals_scan


@register_periodic("analysis.signal_scan", timedelta(hours=6))
@task()
def signal_scan_task() -> int:
    """Scan the control charts and raise a problem per new signal (idempotent by signal key)."""
    return len(signals_scan(actor=None))
