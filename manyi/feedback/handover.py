"""Handing a complaint or claim recorded in the register over to its procedure.

The register does not know complaint handling or claims: it sends the entry through
`manyi.common.links` to the receiver of its kind ("complaint.from_feedback",
"claim.from_feedback"), which opens the case inside the entry's transaction; the case's
number is stored on the entry (`handed_over_to`) and the link entry → case is kept, so the
entry page links to the case (or to the receiving module's page while no case is linked).
When the recorder may not open the case (customer service registers no claims), the entry page
offers it to those who may (`offers`, `feedback_hand_over`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor, Viewer
from manyi.common import links
from manyi.common.services import record_update

from .models import FeedbackEntry, FeedbackStatus

RECEIVERS = {"complaint": "complaint.from_feedback", "claim": "claim.from_feedback"}


def source_kind(entry: Any) -> str:
    return f"feedback.{entry.kind}"


def hand_over(entry: Any, actor: Actor) -> str:
    """Open the case of the entry's kind when a module receives it and the actor may open it;
    its number, or '' (nothing received it: the case is recorded by hand later)."""
    key = RECEIVERS.get(entry.kind)
    if key is None or not links.may(key, actor, entry, source_kind=source_kind(entry)):
        return ""
    return links.send(key, entry, actor, source_kind=source_kind(entry)).number


def target_url(entry: Any) -> str:
    """The page of the case opened from the entry, else the receiving module's page."""
    key = RECEIVERS.get(entry.kind)
    if key is None:
        return ""
    for link in links.links_from(entry, kind=key):
        if link.target is not None:
            return links.record_url(key, link.target)
    return links.index_url(key)


def _waiting(entry: FeedbackEntry) -> str | None:
    """The receiver key of a handed-over entry whose case is not open yet, else None."""
    key = RECEIVERS.get(entry.kind)
    if key is None or entry.status != FeedbackStatus.HANDED_OVER or entry.handed_over_to:
        return None
    if entry.customer_id is None or links.links_from(entry, kind=key):
        return None
    return key


def offers(entry: FeedbackEntry, user: Viewer) -> list[links.Receiver]:
    """What the entry page offers `user`: open the case of the entry (permission-checked)."""
    key = _waiting(entry)
    if key is None:
        return []
    return [r for r in links.receivers_for(source_kind(entry), user, entry) if r.key == key]


def feedback_hand_over(*, actor: Actor, entry: FeedbackEntry) -> links.Link:
    """Open the case of a handed-over entry that has none yet; its number is stored on the
    entry. Refused (PermissionDenied) for who may not open it."""
    key = _waiting(entry)
    if key is None:
        raise ValidationError(
            _("Only a complaint or claim of a known customer that was handed over without a "
              "case can be opened here.")
        )
    with transaction.atomic():
        link = links.send(key, entry, actor, source_kind=source_kind(entry))
        if link:
            record_update(entry, actor=actor, fields={"handed_over_to": link.number[:100]},
                          expected_version=None)
    return link
