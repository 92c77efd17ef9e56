"""Personal links: issue (only the digest is stored), resolve, and the public URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .. import tokens
from ..models import Campaign, Invitation, SurveyLink


class LinkError(Exception):
    """The link cannot be used: reason is unknown, expired, used or closed."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        self.reason = reason
        self.invitation = invitation
        super().__init__(reason)


def public_url(token: str, *, absolute: bool = True) -> str:
    path = reverse("survey_public:form", args=[token])
    if not absolute:
        return path
    base = str(getattr(settings, "MANYI_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def link_issue(
    *, invitation: Invitation, actor: Any, purpose: str, campaign: Campaign | None = None
) -> tuple[str, SurveyLink]:
    """A new personal link for the respondent; the raw token is returned once, never stored."""
    campaign = campaign or invitation.campaign
    token = tokens.new_token()
    now = timezone.now()
    link = SurveyLink.objects.create(
        invitation=invitation,
        digest=tokens.digest(token),
        purpose=purpose[:20],
        issued_at=now,
        expires_at=now + dt.timedelta(days=campaign.link_valid_days),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    return token, link


# what the customer's page needs (the public page is the hot path: fewer columns to read)
LINK_FIELDS = (
    "id", "invitation_id", "expires_at",
    *(f"invitation__{f}" for f in (
        "id", "campaign_id", "customer_id", "contact_id", "name", "email", "function",
        "decision_class", "language", "channel", "delegated_office_id", "business_unit_id",
        "branch_office_id", "customer_class", "key_account", "status", "round", "sent_at",
        "opened_at", "started_at", "completed_at")),
    *(f"invitation__campaign__{f}" for f in (
        "id", "number", "title", "template_id", "status", "auto_complaint",
        "link_valid_days")),
    *(f"invitation__customer__{f}" for f in (
        "id", "code", "name", "business_unit_id", "branch_office_id", "region_id",
        "customer_class", "key_account")),
)


def link_resolve(token: str, *, now: dt.datetime | None = None) -> tuple[Invitation, SurveyLink]:
    """The invitation of a token, or LinkError (unknown / expired / used / closed)."""
    if not tokens.looks_like_token(token):
        raise LinkError("unknown")
    link = (
        SurveyLink.objects.select_related("invitation", "invitation__campaign",
                                          "invitation__customer")
        .only(*LINK_FIELDS)
        .filter(digest=tokens.digest(token))
        .first()
    )
    if link is None:
        raise LinkError("unknown")
    inv = link.invitation
    if inv.completed_at is not None:
        raise LinkError("used", inv)
    if link.expires_at <= (now or timezone.now()):
        raise LinkError("expired", inv)
    if inv.campaign.status != "running":
        raise LinkError("closed", inv)
    return inv, link
