"""Scheduled survey follow-up (idempotent sweeps: running one twice sends nothing twice)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from manyi.common.scheduling import register_periodic

from .services import followup


@register_periodic("surveys.followup_sweep", timedelta(minutes=30))
@task()
def followup_sweep() -> dict[str, int]:
    """Reminders, phone-chase tasks and the call-back sample after collection closes."""
    return {
        "reminders": followup.reminders_due(),
        "chases": followup.chases_due(),
        "verification": followup.verification_due(),
    }


@register_periodic("surveys.thanks_sweep", timedelta(minutes=5))
@task()
def thanks_sweep() -> int:
    """Thank-you letters for the forms that came in since the last run."""
    return followup.thanks_due()


@register_periodic("surveys.weekly_chase_report", timedelta(days=1))
@task()
def weekly_chase_report() -> int:
    """Runs daily; sends once per ISO week and BU (the notify key carries the week)."""
    return followup.weekly_chase_report()
