"""Feedback entries and praise notices on the customer's timeline (SPEC §2)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent

from .models import FeedbackEntry, FeedbackStatus, PraiseNotice


def feedback_events(customer: Any, user: Viewer, limit: int) -> list[TimelineEvent]:
    entries = scope_queryset(
        FeedbackEntry.objects.active().filter(customer=customer), user, "feedback.view"
    ).order_by("-received_at", "-id")[:limit]
    events = []
    for e in entries:
        detail = f"{e.get_channel_display()} · {e.get_status_display()}"
        if e.is_overdue:
            detail += " · " + _("overdue")
        events.append(
            TimelineEvent(
                at=e.received_at,
                kind=f"feedback-{e.kind}",
                title=f"{e.get_kind_display()} {e.number}: {e.subject}",
                detail=detail,
                url=reverse("feedback:detail", args=[e.pk]),
                warning=e.is_overdue or e.status == FeedbackStatus.HANDED_OVER,
            )
        )
    notices = scope_queryset(
        PraiseNotice.objects.active()
        .filter(customer=customer)
        .select_related("department", "person"),
        user,
        "feedback.view",
    ).order_by("-issued_at", "-id")[:limit]
    for n in notices:
        events.append(
            TimelineEvent(
                at=n.issued_at,
                kind="praise",
                title=_("Praise notice %(n)s") % {"n": n.number},
                detail=f"{n.get_aspect_display()} · {n.praised}",
                url=reverse("feedback:praise_detail", args=[n.pk]),
            )
        )
    return events
