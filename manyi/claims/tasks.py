"""Background jobs of the claims (django.tasks API)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic


@register_periodic("claims.overdue_sweep", timedelta(minutes=15))
@task()
def claims_overdue_sweep() -> int:
    """Tell the owner of every overdue claim step, once per step (idempotent: notify keys)."""
    from .services import claims_notify_overdue

    return claims_notify_overdue()
