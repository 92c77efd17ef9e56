"""Where other procedures open a complaint (no import of them at module level):

* the feedback register (SPEC §3): an entry of kind "complaint" is handed over —
  `manyi.feedback.handover.register_handover("complaint", complaint_from_feedback)`, called
  inside the entry's transaction; the complaint number is stored on the entry;
* a survey answer with a low score (004 §6.3.2): `manyi.surveys.complaints_hook` calls
  `services.complaint_create_from_survey(actor=, response=, answer=)`.

The category of such a complaint is not known yet: it starts as product quality and sales
corrects it at the initial analysis (the analysis form asks for it again).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

from .models import Channel, ContentCategory


def complaint_from_feedback(entry: Any, actor: Any) -> str:
    """Open the complaint for a feedback entry of kind complaint; its number ('' when the
    entry names no customer — customer service then records the complaint by hand)."""
    from .services import _create

    if getattr(entry, "customer", None) is None:
        return ""
    channel = entry.channel if entry.channel in Channel.values else Channel.PHONE
    subject = getattr(entry, "subject", "") or ""
    text = getattr(entry, "text", "") or ""
    complaint = _create(
        actor=actor,
        data={
            "customer": entry.customer,
            "contact": entry.contact if getattr(entry, "contact", None) is not None and
            entry.contact.customer_id == entry.customer.pk else None,
            "contact_name": getattr(entry, "contact_name", "") or "",
            "contact_phone": (getattr(entry, "contact_phone", "") or "")[:40],
            "channel": channel,
            "received_at": entry.received_at or timezone.now(),
            "description": f"{subject}\n{text}".strip() or str(entry),
            "content_category": ContentCategory.PRODUCT_QUALITY,
        },
        parent=None,
    )
    return complaint.number


def register() -> None:
    if not apps.is_installed("manyi.feedback"):
        return
    try:
        from manyi.feedback.handover import register_handover
    except ImportError:  # pragma: no cover - the feedback register is optional
        return
    register_handover("complaint", complaint_from_feedback)


register()
