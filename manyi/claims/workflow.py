"""The claim workflow (顾客索赔管理流程, 003 §4.2): states, allowed transitions, who may do each,
guards, and the working-day deadline of every step. This module is the one place for these
rules; services apply them, views and the API only ask them.

    collecting ─submit→ analysis ─propose→ gm_approval ─approve→ negotiation
                           ↑   ←──send_back──┘                    │
                           └──────────────reanalyse───────────────┤ (customer rejected)
                                                                  ├─agree→ liability
                                                                  └─break_off→ broken_off
    liability ─determine→ acknowledgement (not ours) ─acknowledge→ cancelled
                        → compensation (ours / shared / supplier's)
    compensation ─book→ recourse (supplier's) ─settle_recourse→ root_cause
                      → root_cause ─close→ closed
    collecting | analysis | gm_approval | negotiation ─withdraw→ cancelled
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Claim


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


S = ClaimState
TERMINAL = frozenset({S.CLOSED, S.CANCELLED, S.BROKEN_OFF})
OPEN_STATES = tuple(s for s in S if s not in TERMINAL)

# Default deadline of each step in working days after the step starts (company calendar).
# Overridden per step by the ClaimStepDeadline table (admin: "claim step deadlines").
STEP_WORKDAYS: dict[str, int] = {
    S.COLLECTING: 5,
    S.ANALYSIS: 3,
    S.GM_APPROVAL: 2,
    S.NEGOTIATION: 10,
    S.LIABILITY: 5,
    S.ACKNOWLEDGEMENT: 5,
    S.COMPENSATION: 3,
    S.RECOURSE: 20,
    S.ROOT_CAUSE: 10,
}

# Who works on a step: "handler" (the sales person of the claim) or a role whose holder is
# found through the department of that function (deputy GM, GM, finance).
STEP_OWNER: dict[str, str] = {
    S.COLLECTING: "handler",
    S.ANALYSIS: "deputy_gm",
    S.GM_APPROVAL: "gm",
    S.NEGOTIATION: "handler",
    S.LIABILITY: "gm",
    S.ACKNOWLEDGEMENT: "handler",
    S.COMPENSATION: "finance",
    S.RECOURSE: "deputy_gm",
    S.ROOT_CAUSE: "deputy_gm",
}


class TransitionError(ValidationError):
    """A transition refused because of the claim's state or a guard; names the field."""


Guard = Callable[["Claim"], dict[str, str]]


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any  # lazy string
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # one target, or the possible targets picked by `route`
    action: str  # the permission action (accounts.permissions) the actor needs on the claim
    guard: Guard | None = None
    route: Callable[[Claim], str] | None = None

    def target_for(self, claim: Claim) -> str:
        target = self.route(claim) if self.route else self.targets[0]
        assert target in self.targets, (self.name, target)
        return target


# --- guards: return {field: message} for every unmet condition ---------------------------


def _guard_submit(claim: Claim) -> dict[str, str]:
    from manyi.common.attachments import attachments_of

    errors = {}
    if not claim.demand.strip():
        errors["demand"] = gettext("Record the customer's demand.")
    if claim.claimed_amount is None:
        errors["claimed_amount"] = gettext("Record the amount the customer claims.")
    if not attachments_of(claim).exists():
        errors["attachments"] = gettext(
            "Attach the customer's documents and receipts before handing the claim over."
        )
    return errors


def _guard_propose(claim: Claim) -> dict[str, str]:
    errors = {}
    if not claim.preliminary_analysis.strip():
        errors["preliminary_analysis"] = gettext("Write the preliminary analysis.")
    if not claim.proposal.strip():
        errors["proposal"] = gettext("Write the proposal to the customer.")
    return errors


def _needs_note(claim: Claim) -> dict[str, str]:
    if not claim.step_note.strip():
        return {"note": gettext("Give the reason.")}
    return {}


def _guard_agree(claim: Claim) -> dict[str, str]:
    last = claim.last_round()
    if last is None or last.answer != "accepted":
        return {"answer": gettext("The customer has not accepted an offer in the last round.")}
    return {}


def _guard_reanalyse(claim: Claim) -> dict[str, str]:
    last = claim.last_round()
    if last is None or last.answer != "rejected":
        return {"answer": gettext("Record the round the customer rejected first.")}
    return {}


def _guard_determine(claim: Claim) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not claim.liability:
        errors["liability"] = gettext("Choose the liability the panel decided.")
    if not claim.liability_decision.strip():
        errors["liability_decision"] = gettext("Record the panel's decision.")
    if claim.panel_members.filter(archived_at__isnull=True).count() < 2:
        errors["panel"] = gettext("Record at least two panel members.")
    if claim.liability == Liability.SHARED:
        share = claim.company_share_percent
        if share is None or not Decimal("0") < share < Decimal("100"):
            errors["company_share_percent"] = gettext(
                "For shared liability give our share as a percentage between 0 and 100."
            )
    if claim.liability == Liability.SUPPLIER and not claim.supplier_name.strip():
        errors["supplier_name"] = gettext("Name the supplier.")
    return errors


def _guard_acknowledge(claim: Claim) -> dict[str, str]:
    errors = {}
    if not claim.customer_acknowledgement.strip():
        errors["customer_acknowledgement"] = gettext(
            "Record how the customer acknowledged the cancellation."
        )
    if claim.acknowledged_on is None:
        errors["acknowledged_on"] = gettext("Record the date of the acknowledgement.")
    return errors


def _guard_book(claim: Claim) -> dict[str, str]:
    if claim.compensation_amount is None:
        return {"compensation_amount": gettext("Calculate the compensation first.")}
    return {}


def _guard_settle(claim: Claim) -> dict[str, str]:
    recourse = getattr(claim, "recourse", None)
    if recourse is None or recourse.amount_recovered is None:
        return {"amount_recovered": gettext("Record the amount recovered from the supplier.")}
    return {}


def _guard_close(claim: Claim) -> dict[str, str]:
    errors = {}
    if not claim.root_cause.strip():
        errors["root_cause"] = gettext("Record the root cause.")
    if claim.capa_required and not claim.capa_reference.strip():
        errors["capa_reference"] = gettext(
            "A corrective action is required: give its reference."
        )
    return errors


def _route_determine(claim: Claim) -> str:
    return S.ACKNOWLEDGEMENT if claim.liability == Liability.CUSTOMER else S.COMPENSATION


def _route_book(claim: Claim) -> str:
    return S.RECOURSE if claim.liability == Liability.SUPPLIER else S.ROOT_CAUSE


_EARLY = (S.COLLECTING, S.ANALYSIS, S.GM_APPROVAL, S.NEGOTIATION)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", _("Hand over to the deputy GM"), (S.COLLECTING,), (S.ANALYSIS,),
                   "claim.add", _guard_submit),
        Transition("propose", _("Submit the proposal for GM approval"), (S.ANALYSIS,),
                   (S.GM_APPROVAL,), "claim.analyse", _guard_propose),
        Transition("approve", _("Approve the proposal"), (S.GM_APPROVAL,), (S.NEGOTIATION,),
                   "claim.approve"),
        Transition("send_back", _("Send back for a new analysis"), (S.GM_APPROVAL,),
                   (S.ANALYSIS,), "claim.approve", _needs_note),
        Transition("agree", _("Agreement reached with the customer"), (S.NEGOTIATION,),
                   (S.LIABILITY,), "claim.negotiate", _guard_agree),
        Transition("reanalyse", _("Customer rejected: analyse again"), (S.NEGOTIATION,),
                   (S.ANALYSIS,), "claim.negotiate", _guard_reanalyse),
        Transition("break_off", _("Negotiation broken off"), (S.NEGOTIATION,), (S.BROKEN_OFF,),
                   "claim.negotiate", _needs_note),
        Transition("determine", _("Record the liability decision"), (S.LIABILITY,),
                   (S.ACKNOWLEDGEMENT, S.COMPENSATION), "claim.liability", _guard_determine,
                   _route_determine),
        Transition("acknowledge", _("Customer acknowledged: cancel the claim"),
                   (S.ACKNOWLEDGEMENT,), (S.CANCELLED,), "claim.negotiate", _guard_acknowledge),
        Transition("book", _("Book the compensation as quality cost"), (S.COMPENSATION,),
                   (S.RECOURSE, S.ROOT_CAUSE), "claim.compensate", _guard_book, _route_book),
        Transition("settle_recourse", _("Recourse settled with the supplier"), (S.RECOURSE,),
                   (S.ROOT_CAUSE,), "claim.recourse", _guard_settle),
        Transition("close", _("Close the claim"), (S.ROOT_CAUSE,), (S.CLOSED,), "claim.close",
                   _guard_close),
        Transition("withdraw", _("Customer withdrew the claim"), _EARLY, (S.CANCELLED,),
                   "claim.negotiate", _needs_note),
    )
}

# Work on a step that is not a transition: the action it needs and the state it is allowed in.
STEP_WORK: dict[str, tuple[str, tuple[str, ...]]] = {
    "edit": ("claim.add", (S.COLLECTING,)),
    "round": ("claim.negotiate", (S.NEGOTIATION,)),
    "calculate": ("claim.compensate", (S.COMPENSATION,)),
    "recourse": ("claim.recourse", (S.RECOURSE,)),
}


def allowed_targets(state: str) -> set[str]:
    """Every state reachable from `state` in one transition."""
    return {t for tr in TRANSITIONS.values() if state in tr.sources for t in tr.targets}


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise TransitionError(
            {"name": gettext("Unknown step %(name)s.") % {"name": name}}
        ) from None


def check_state(tr: Transition, claim: Claim) -> None:
    if claim.state not in tr.sources:
        raise TransitionError(
            {
                "state": gettext(
                    "“%(step)s” is not possible while the claim is “%(state)s”; it is "
                    "possible when the claim is: %(sources)s."
                )
                % {
                    "step": tr.label,
                    "state": ClaimState(claim.state).label,
                    "sources": ", ".join(str(ClaimState(s).label) for s in tr.sources),
                }
            }
        )


def check_work_state(work: str, claim: Claim) -> None:
    _action, states = STEP_WORK[work]
    if claim.state not in states:
        raise TransitionError(
            {
                "state": gettext(
                    "This is not possible while the claim is “%(state)s”."
                )
                % {"state": ClaimState(claim.state).label}
            }
        )


def check_guard(tr: Transition, claim: Claim) -> None:
    if tr.guard is None:
        return
    errors = tr.guard(claim)
    if errors:
        raise TransitionError(errors)


def available(claim: Claim, user: Any) -> list[Transition]:
    """The transitions `user` may start on `claim` now (guards are checked when submitted)."""
    from manyi.accounts.permissions import can

    return [
        tr
        for tr in TRANSITIONS.values()
        if claim.state in tr.sources and can(user, tr.action, claim)
    ]


def may_work(work: str, claim: Claim, user: Any) -> bool:
    from manyi.accounts.permissions import can

    action, states = STEP_WORK[work]
    return claim.state in states and can(user, action, claim)
