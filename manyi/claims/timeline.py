"""Claims on the customer's timeline (registered by ClaimsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent
from manyi.customers.models import Customer

from .models import Claim
from .workflow import ClaimState


def claim_events(customer: Customer, user: Viewer, limit: int) -> list[TimelineEvent]:
    claims = scope_queryset(
        Claim.objects.filter(customer=customer, archived_at__isnull=True),
        user,
        "claim.view",
        "customer__",
    ).order_by("-received_on", "-sequence")[:limit]
    events = []
    for claim in claims:
        detail = str(ClaimState(claim.state).label)
        if claim.claimed_amount is not None:
            detail = _("%(state)s · claimed %(amount)s CNY") % {
                "state": detail,
                "amount": f"{claim.claimed_amount:,.2f}",
            }
        if claim.compensation_amount is not None:
            detail += " · " + _("compensation %(amount)s CNY") % {
                "amount": f"{claim.compensation_amount:,.2f}"
            }
        overdue = claim.is_overdue
        if overdue:
            detail += " · " + _("overdue")
        events.append(
            TimelineEvent(
                at=claim.received_on,
                kind="claim",
                title=_("Claim %(n)s") % {"n": claim.number},
                detail=str(detail),
                url=reverse("claims:detail", args=[claim.pk]),
                warning=overdue or claim.is_open,
            )
        )
    return events
