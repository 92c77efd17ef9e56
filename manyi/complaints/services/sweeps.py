"""The scheduler's sweeps: overdue steps (owner, then the owner's manager) and the monthly
abnormal-trend check."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from manyi.accounts.models import User
from manyi.accounts.selectors import manager_of
from manyi.common.calendar import local_tz
from manyi.common.notify import notify_users

from .. import workflow
from ..deadlines import manager_escalation_at, manager_escalation_workdays
from ..models import Complaint
from ..summary import complaint_summary
from . import clock
from .people import notify, step_owners, users_with_roles


def abnormal_trend_check(now: dt.datetime | None = None) -> int:
    """003 §4.1.7: when last month's complaints show an abnormal trend, ask the sales and
    quality managers (and the management representative) for a rectification plan — once per
    month (notify key)."""
    today = timezone.localdate(now or clock.now(), local_tz())
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    summary = complaint_summary(
        Complaint.objects.filter(archived_at__isnull=True), year=year, with_rows=False
    )
    row = summary.months[month - 1]
    if not row.abnormal:
        return 0
    url = reverse("complaints:summary") + f"?year={year}&month={month}"
    sent = notify_users(
        key=f"complaints:abnormal:{year}-{month:02d}",
        users=users_with_roles(["sales_manager", "quality_manager", "management_rep"]),
        template="complaint_abnormal",
        context={"row": row, "url": url},
        url=url,
    )
    return len(sent)



def sweep_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """Tell the owner of every overdue step, and after the configured delay the owner's
    manager — each exactly once per step (the notify keys hold the step and its deadline, so
    running the sweep again sends nothing; a new step with a new deadline is a new reminder)."""
    now = now or clock.now()
    delay = manager_escalation_workdays()
    sent = {"overdue": 0, "escalated": 0}
    overdue = (
        Complaint.objects.filter(
            state__in=workflow.TIMED_STATES, due_at__lt=now, archived_at__isnull=True
        )
        .select_related("customer", "owner__department__manager",
                        "responsible_department__manager")
        .order_by("due_at", "id")
    )
    for complaint in overdue.iterator(chunk_size=500):
        assert complaint.due_at is not None
        step = f"{complaint.state}:{int(complaint.due_at.timestamp())}"
        owners = step_owners(complaint)
        label = workflow.STEP_LABELS.get(complaint.state, "")
        sent["overdue"] += notify(complaint, f"overdue:{step}", owners, "complaint_overdue",
                                   step=label, due=complaint.due_at)
        if now >= manager_escalation_at(complaint.due_at, delay):
            owner_ids = {u.pk for u in owners}
            managers: set[User] = set()
            for owner in owners:
                manager = manager_of(owner)
                if manager is not None and manager.pk not in owner_ids:
                    managers.add(manager)
            recipients = sorted(managers, key=lambda u: u.pk)
            sent["escalated"] += notify(
                complaint, f"escalated:{step}", recipients,
                "complaint_escalation", step=label, due=complaint.due_at, owners=owners,
            )
    return sent
