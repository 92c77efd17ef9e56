"""The deadline of each step of a claim (003 §4.2), in working days after the step began, on
the company calendar; the company changes them in the admin (deadline settings)."""

from __future__ import annotations

import datetime as dt

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from manyi.common import deadlines
from manyi.common.deadlines import DeadlineRule

from .states import ClaimState

S = ClaimState


def _step(state: str, default: int, source: str, description: object) -> DeadlineRule:
    label = format_lazy(_("Claim: {step}"), step=S(state).label)
    return DeadlineRule(f"claims.{state}", label, default, "workdays", source, description)


RULES = (
    _step(S.COLLECTING, 5, "003 §4.2.1",
          _("Sales collect the customer's documents and receipts of the claim.")),
    _step(S.ANALYSIS, 3, "003 §4.2.1",
          _("The deputy GM's preliminary analysis and proposal.")),
    _step(S.GM_APPROVAL, 2, "003 §4.2.2", _("The GM approves the proposal.")),
    _step(S.NEGOTIATION, 10, "003 §4.2.2",
          _("Sales negotiate the proposal with the customer.")),
    _step(S.LIABILITY, 5, "003 §4.2.4",
          _("The panel (production, engineering, quality, sales) determines the liability.")),
    _step(S.ACKNOWLEDGEMENT, 5, "003 §4.2.3",
          _("The customer acknowledges a claim that is not the company's liability.")),
    _step(S.COMPENSATION, 3, "003 §4.2.4",
          _("Finance calculates the compensation (quality cost).")),
    _step(S.RECOURSE, 20, "003 §4.2.4",
          _("The deputy GM negotiates the recourse claim with the supplier.")),
    _step(S.ROOT_CAUSE, 10, "003 §4.2.6", _("The root-cause analysis after the claim.")),
)
deadlines.register(*RULES)
TIMED = frozenset(r.key for r in RULES)


def rule_key(state: str) -> str | None:
    """The deadline rule of a step, None for the final states."""
    key = f"claims.{state}"
    return key if key in TIMED else None


def step_workdays(state: str) -> int | None:
    """Working days allowed for a step (the company's value of its rule)."""
    key = rule_key(state)
    return None if key is None else deadlines.value(key)


def step_deadline(state: str, start: dt.datetime) -> dt.datetime | None:
    """The deadline of the step a claim enters at `start` (None for the final states)."""
    key = rule_key(state)
    return None if key is None else deadlines.due(key, start)
