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

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manyi.accounts.types import Actor
from manyi.common.workflow import Transition, TransitionError, Work, Workflow, register

from .models import Claim
from .states import OPEN_STATES, TERMINAL, ClaimState, Liability

__all__ = [
    "OPEN_STATES",
    "STEP_OWNER",
    "TERMINAL",
    "TRANSITIONS",
    "WORKFLOW",
    "ClaimState",
    "Liability",
    "TransitionError",
]

S = ClaimState

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


# --- guards: return {field: message} for every unmet condition ---------------------------


def _guard_submit(claim: Claim, user: Actor = None) -> Mapping[str, str]:
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


def _guard_propose(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    errors = {}
    if not claim.preliminary_analysis.strip():
        errors["preliminary_analysis"] = gettext("Write the preliminary analysis.")
    if not claim.proposal.strip():
        errors["proposal"] = gettext("Write the proposal to the customer.")
    return errors


def _needs_note(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    if not claim.step_note.strip():
        return {"note": gettext("Give the reason.")}
    return {}


def _guard_agree(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    last = claim.last_round()
    if last is None or last.answer != "accepted":
        return {"answer": gettext("The customer has not accepted an offer in the last round.")}
    return {}


def _guard_reanalyse(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    last = claim.last_round()
    if last is None or last.answer != "rejected":
        return {"answer": gettext("Record the round the customer rejected first.")}
    return {}


def _guard_determine(claim: Claim, user: Actor = None) -> Mapping[str, str]:
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


def _guard_acknowledge(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    errors = {}
    if not claim.customer_acknowledgement.strip():
        errors["customer_acknowledgement"] = gettext(
            "Record how the customer acknowledged the cancellation."
        )
    if claim.acknowledged_on is None:
        errors["acknowledged_on"] = gettext("Record the date of the acknowledgement.")
    return errors


def _guard_book(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    if claim.compensation_amount is None:
        return {"compensation_amount": gettext("Calculate the compensation first.")}
    return {}


def _guard_settle(claim: Claim, user: Actor = None) -> Mapping[str, str]:
    recourse = getattr(claim, "recourse", None)
    if recourse is None or recourse.amount_recovered is None:
        return {"amount_recovered": gettext("Record the amount recovered from the supplier.")}
    return {}


def _guard_close(claim: Claim, user: Actor = None) -> Mapping[str, str]:
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

WORKFLOW = register(
    Workflow(
        name="claim",
        record_label=_("claim"),
        states=ClaimState,
        terminal=TERMINAL,
        transitions=[
            Transition("submit", _("Hand over to the deputy GM"), (S.COLLECTING,),
                       (S.ANALYSIS,), "claim.add", _guard_submit),
            Transition("propose", _("Submit the proposal for GM approval"), (S.ANALYSIS,),
                       (S.GM_APPROVAL,), "claim.analyse", _guard_propose),
            Transition("approve", _("Approve the proposal"), (S.GM_APPROVAL,),
                       (S.NEGOTIATION,), "claim.approve"),
            Transition("send_back", _("Send back for a new analysis"), (S.GM_APPROVAL,),
                       (S.ANALYSIS,), "claim.approve", _needs_note),
            Transition("agree", _("Agreement reached with the customer"), (S.NEGOTIATION,),
                       (S.LIABILITY,), "claim.negotiate", _guard_agree),
            Transition("reanalyse", _("Customer rejected: analyse again"), (S.NEGOTIATION,),
                       (S.ANALYSIS,), "claim.negotiate", _guard_reanalyse),
            Transition("break_off", _("Negotiation broken off"), (S.NEGOTIATION,),
                       (S.BROKEN_OFF,), "claim.negotiate", _needs_note),
            Transition("determine", _("Record the liability decision"), (S.LIABILITY,),
                       (S.ACKNOWLEDGEMENT, S.COMPENSATION), "claim.liability",
                       _guard_determine, _route_determine),
            Transition("acknowledge", _("Customer acknowledged: cancel the claim"),
                       (S.ACKNOWLEDGEMENT,), (S.CANCELLED,), "claim.negotiate",
                       _guard_acknowledge),
            Transition("book", _("Book the compensation as quality cost"), (S.COMPENSATION,),
                       (S.RECOURSE, S.ROOT_CAUSE), "claim.compensate", _guard_book,
                       _route_book),
            Transition("settle_recourse", _("Recourse settled with the supplier"),
                       (S.RECOURSE,), (S.ROOT_CAUSE,), "claim.recourse", _guard_settle),
            Transition("close", _("Close the claim"), (S.ROOT_CAUSE,), (S.CLOSED,),
                       "claim.close", _guard_close),
            Transition("withdraw", _("Customer withdrew the claim"), _EARLY, (S.CANCELLED,),
                       "claim.negotiate", _needs_note),
        ],
        # work on a step that is not a transition: the action it needs, the states it is in
        work={
            "edit": Work("claim.add", (S.COLLECTING,)),
            "round": Work("claim.negotiate", (S.NEGOTIATION,)),
            "calculate": Work("claim.compensate", (S.COMPENSATION,)),
            "recourse": Work("claim.recourse", (S.RECOURSE,)),
        },
        deadlines={state: f"claims.{state}" for state in OPEN_STATES},
        owners=STEP_OWNER,
    )
)
TRANSITIONS = WORKFLOW.by_name
