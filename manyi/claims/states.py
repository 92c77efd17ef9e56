"""The claim's states and the liability decision (TextChoices), apart from the models and the
workflow so that both import them and neither imports the other."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimState(models.TextChoices):
    COLLECTING = "collecting", _("Collecting documents")
    ANALYSIS = "analysis", _("Preliminary analysis (deputy GM)")
    GM_APPROVAL = "gm_approval", _("Awaiting GM approval")
    NEGOTIATION = "negotiation", _("Negotiation with the customer")
    LIABILITY = "liability", _("Liability determination")
    ACKNOWLEDGEMENT = "acknowledgement", _("Awaiting the customer's acknowledgement")
    COMPENSATION = "compensation", _("Compensation calculation (finance)")
    RECOURSE = "recourse", _("Recourse against the supplier")
    ROOT_CAUSE = "root_cause", _("Root-cause analysis")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    BROKEN_OFF = "broken_off", _("Negotiation broken off")


class Liability(models.TextChoices):
    """责任界定的结论."""

    CUSTOMER = "customer", _("Not ours (customer's own)")
    COMPANY = "company", _("Ours")
    SHARED = "shared", _("Shared with the customer")
    SUPPLIER = "supplier", _("Supplier's")


TERMINAL = frozenset({ClaimState.CLOSED, ClaimState.CANCELLED, ClaimState.BROKEN_OFF})
OPEN_STATES = tuple(s for s in ClaimState if s not in TERMINAL)
