"""Complaints on the customer's timeline (SPEC §2: every complaint of a customer on one page)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import can
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent

from .models import Complaint


def complaint_events(customer: Any, user: Viewer, limit: int) -> list[TimelineEvent]:
    if not can(user, "complaint.view"):
        return []
    from .selectors import complaints_visible

    complaints = (
        complaints_visible(user)
        .filter(customer=customer, archived_at__isnull=True)
        .select_related("product")
        .order_by("-received_at", "-id")[:limit]
    )
    events = []
    for c in complaints:
        detail = f"{c.get_content_category_display()} · {c.get_state_display()}"
        if c.product_display:
            detail += f" · {c.product_display}"
        if c.callback_satisfaction:
            detail += " · " + _("call-back: %(s)s") % {"s": c.get_callback_satisfaction_display()}
        detail += " — " + (c.description[:80] + ("…" if len(c.description) > 80 else ""))
        events.append(
            TimelineEvent(
                at=timezone.localtime(c.received_at),
                kind="complaint",
                title=_("Complaint %(n)s") % {"n": c.number}
                + (" · " + _("repeat") if c.parent_id else ""),
                detail=detail,
                url=reverse("complaints:detail", args=[c.pk]),
                warning=c.is_overdue or c.severity == "major",
            )
        )
    return events


def _can_view_attachment(user: Viewer, obj: Complaint) -> bool:
    return can(user, "complaint.view", obj)


def register() -> None:
    from manyi.common.attachments import register_attachment_owner

    register_attachment_owner(Complaint, _can_view_attachment)


register()
