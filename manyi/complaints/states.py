"""The complaint's states (TextChoices) and their groups, apart from the models and the
workflow so that both import them and neither imports the other."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received – initial analysis")
    SALES_HANDLING = "sales_handling", _("Handled by sales")
    ESCALATED = "escalated", _("Escalated to quality")
    AWAITING_APPROVAL = "awaiting_approval", _("Remedy awaiting approval")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed – customer's answer")
    REMEDY_ACCEPTED = "remedy_accepted", _("Remedy accepted – to carry out")
    REMEDY_DONE = "remedy_done", _("Remedy carried out – root cause")
    ROOT_CAUSE = "root_cause", _("Root cause recorded – to close")
    CLOSED = "closed", _("Closed – call-back due")
    CALLED_BACK = "called_back", _("Called back")
    CANCELLED = "cancelled", _("Cancelled")


S = ComplaintState

OPEN_STATES = frozenset(
    {
        S.RECEIVED,
        S.SALES_HANDLING,
        S.ESCALATED,
        S.AWAITING_APPROVAL,
        S.REMEDY_PROPOSED,
        S.REMEDY_ACCEPTED,
        S.REMEDY_DONE,
        S.ROOT_CAUSE,
    }
)
CLOSED_STATES = frozenset({S.CLOSED, S.CALLED_BACK})  # 办结
TIMED_STATES = OPEN_STATES | {S.CLOSED}  # states with a deadline (the call-back after closing)
FINAL_STATES = frozenset({S.CALLED_BACK, S.CANCELLED})
HANDLING = frozenset({S.SALES_HANDLING, S.ESCALATED})  # where a remedy is proposed
