"""What complaint handling offers other procedures (`manyi.common.links`, offered by
ComplaintsConfig.ready()):

* "complaint.from_feedback" — the feedback register (SPEC §3) hands over an entry of kind
  "complaint": the complaint is opened inside the entry's transaction and its number stored on
  the entry;
* "complaint.from_survey_answer" — a low score in a satisfaction survey (004 §6.3.2) opens a
  complaint (`services.complaint_create_from_survey`).

Both go through the public, permission-checked services (`complaint.add` on the customer).
The category of such a complaint is not known yet: it starts as product quality and sales
corrects it at the initial analysis (the analysis form asks for it again).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manyi.accounts.types import Actor
from manyi.common import links

from .models import Channel, Complaint, ContentCategory


def complaint_from_feedback(entry: Any, actor: Actor) -> Complaint | None:
    """Open the complaint for a feedback entry of kind complaint; None when the entry names no
    customer (customer service then records the complaint by hand)."""
    from .services import complaint_create

    customer = getattr(entry, "customer", None)
    if customer is None:
        return None
    contact = getattr(entry, "contact", None)
    subject = getattr(entry, "subject", "") or ""
    text = getattr(entry, "text", "") or ""
    return complaint_create(
        actor=actor,
        data={
            "customer": customer,
            "contact": contact
            if contact is not None and contact.customer_id == customer.pk
            else None,
            "contact_name": getattr(entry, "contact_name", "") or "",
            "contact_phone": (getattr(entry, "contact_phone", "") or "")[:40],
            "channel": entry.channel if entry.channel in Channel.values else Channel.PHONE,
            "received_at": entry.received_at or timezone.now(),
            "description": f"{subject}\n{text}".strip() or str(entry),
            "content_category": ContentCategory.PRODUCT_QUALITY,
        },
    )


def complaint_from_survey_answer(answer: Any, actor: Actor) -> Complaint:
    """Open the complaint for a low survey answer (its response names the customer)."""
    from .services import complaint_create_from_survey

    return complaint_create_from_survey(actor=actor, response=answer.response, answer=answer)


def complaint_page(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def complaints_page() -> str:
    return reverse("complaints:list")


RECEIVERS = (
    links.Receiver(
        key="complaint.from_feedback",
        label=_("Open a complaint"),
        accepts=("feedback.complaint",),
        action="complaint.add",
        create=complaint_from_feedback,
        url=complaint_page,
        index=complaints_page,
    ),
    links.Receiver(
        key="complaint.from_survey_answer",
        label=_("Open a complaint"),
        accepts=("surveys.answer",),
        action="complaint.add",
        create=complaint_from_survey_answer,
        url=complaint_page,
        index=complaints_page,
    ),
)


def offer_receivers() -> None:
    for receiver in RECEIVERS:
        links.offer(receiver)
