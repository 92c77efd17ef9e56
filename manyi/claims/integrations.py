"""What claims offer other procedures (`manyi.common.links`, offered by ClaimsConfig.ready()):

* "claim.from_feedback" — the feedback register (SPEC §3) hands over an entry of kind
  "claim": the claim is registered (state: collecting documents) through the public intake
  service `claim_create`, with its permission check (`claim.add` on the customer), inside the
  entry's transaction; the claim number is stored on the entry.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.types import Actor
from manyi.common import links
from manyi.common.calendar import local_tz

from .models import Claim


def claim_from_feedback(entry: Any, actor: Actor) -> Claim | None:
    """Register the claim of a feedback entry of kind claim; None when the entry names no
    customer or no one records it (the system): sales then register the claim by hand."""
    from .services import claim_create

    customer = getattr(entry, "customer", None)
    if customer is None or actor is None:
        return None
    contact = getattr(entry, "contact", None)
    received = getattr(entry, "received_at", None) or timezone.now()
    subject = getattr(entry, "subject", "") or ""
    text = getattr(entry, "text", "") or ""
    return claim_create(
        actor=actor,
        data={
            "customer": customer,
            "contact": contact
            if contact is not None and contact.customer_id == customer.pk
            else None,
            "received_on": timezone.localdate(received, local_tz()),
            "description": f"{subject}\n{text}".strip() or str(entry),
        },
    )


def claim_page(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


def claims_page() -> str:
    return reverse("claims:list")


RECEIVERS = (
    links.Receiver(
        key="claim.from_feedback",
        label=_("Register a claim"),
        accepts=("feedback.claim",),
        action="claim.add",
        create=claim_from_feedback,
        url=claim_page,
        index=claims_page,
    ),
)


def offer_receivers() -> None:
    for receiver in RECEIVERS:
        links.offer(receiver)
