"""The complaint workflow in ONE place: states, transitions, who may do each, guards.

Flow (003 §4.1, 002 投诉管理, SPEC §4)::

    received ──analyse──► sales_handling ──propose──► remedy_proposed ──accept──► remedy_accepted
       │                   ▲      │  (money)            │    ▲                        │
       │                   │      └─► awaiting_approval ┤    │                   carry_out
       │                   │            │approve ───────┘    │                        ▼
       │                   └──reject / refuse_approval ◄─────┘                   remedy_done
       └──analyse (escalate)──► escalated ──propose──► … (same loop, by quality)      │
                              (major: record_meeting first)                record_root_cause
                                                                                      ▼
                       called_back ◄──callback── closed ◄──close── root_cause (capa_required?)

``cancel`` ends a complaint entered by mistake before any remedy was proposed.

Declared once with the shared kit (`manyi.common.workflow`) as `WORKFLOW`; the services
(`complaint_analyse`, `complaint_escalate`, `complaint_propose_remedy`…) apply it, pages and
the API ask it which steps and side actions to offer (`WORKFLOW.offers`, `work_allowed`).

*Who* names permission actions (`permissions.py`); any one of them suffices, checked on the
complaint (so an OWN scope is the customer's office/unit/region or the responsible department).
`HANDLER` means ``complaint.handle`` (sales) before escalation and ``complaint.quality`` after.
A *guard* returns {field: message} when the transition cannot happen now (the page shows the
step disabled with the first message).

Every refused transition raises `TransitionNotAllowed` naming the current state and the
allowed next steps; a failed guard raises `TransitionBlocked`; a missing permission raises
`PermissionDenied`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manyi.accounts.permissions import role_codes
from manyi.accounts.types import Actor
from manyi.common import workflow as kit
from manyi.common.workflow import Transition, Work, Workflow, first_of, register

from .config import complaint_config
from .models import Complaint, ProposalStatus, RemedyProposal, Severity
from .states import (
    CLOSED_STATES,
    FINAL_STATES,
    HANDLING,
    OPEN_STATES,
    TIMED_STATES,
    ComplaintState,
)

__all__ = [
    "CLOSED_STATES",
    "FINAL_STATES",
    "HANDLER",
    "OPEN_STATES",
    "STEP_LABELS",
    "TIMED_STATES",
    "TRANSITIONS",
    "WORKFLOW",
    "TransitionBlocked",
    "TransitionNotAllowed",
    "next_transitions",
    "pending_proposal",
    "required_approver_roles",
]

S = ComplaintState
HANDLER = "handler"
NOT_FINAL = tuple(s for s in S if s not in FINAL_STATES)

# What has to happen in each state, and by whom (shown on the pages and in reminders).
STEP_LABELS: dict[str, Promise] = {
    S.RECEIVED: _("initial analysis by sales"),
    S.SALES_HANDLING: _("remedy proposal by sales"),
    S.ESCALATED: _("remedy decision by quality"),
    S.AWAITING_APPROVAL: _("approval of the money by the superior"),
    S.REMEDY_PROPOSED: _("the customer's answer to the proposal"),
    S.REMEDY_ACCEPTED: _("carrying out the remedy"),
    S.REMEDY_DONE: _("root-cause analysis"),
    S.ROOT_CAUSE: _("closing the complaint"),
    S.CLOSED: _("call-back to the customer"),
}

TransitionBlocked = kit.TransitionBlocked


class TransitionNotAllowed(kit.TransitionNotAllowed):
    """The transition does not start from the complaint's current state; the message names
    the complaint, its state and the steps possible now."""

    def __init__(self, complaint: Complaint, name: str) -> None:
        nexts = WORKFLOW.next_transitions(complaint)
        label = str(WORKFLOW.by_name[name].label) if name in WORKFLOW.by_name else name
        allowed = ", ".join(f"“{t.label}”" for t in nexts)
        super().__init__(
            gettext(
                "Complaint %(number)s is in state “%(state)s”: “%(step)s” is not possible now. "
                "Allowed next steps: %(allowed)s."
            )
            % {
                "number": complaint.number,
                "state": complaint.get_state_display(),
                "step": label,
                "allowed": allowed or gettext("none (the complaint is finished)"),
            },
            code="transition_not_allowed",
        )
        self.state = complaint.state
        self.transition = name
        self.allowed = [t.name for t in nexts]


# --- guards: {field: message} for what is missing --------------------------------------------


def pending_proposal(complaint: Complaint) -> RemedyProposal | None:
    return complaint.proposals.filter(status=ProposalStatus.AWAITING_APPROVAL).order_by(
        "-number"
    ).first()


def required_approver_roles(amount: Any, escalated: bool) -> tuple[str, ...]:
    """Who approves money: deputy GM above the configured amount, else the sales manager
    (sales-handled) or the quality manager (escalated). GM and admin may always approve."""
    config = complaint_config()
    if amount is not None and amount > config.high_amount:
        return config.approver_roles_high
    return config.approver_roles_quality if escalated else config.approver_roles_sales


def _major_needs_meeting(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if (
        complaint.escalated
        and complaint.severity == Severity.MAJOR
        and not complaint.meetings.filter(archived_at__isnull=True).exists()
    ):
        return {"meeting": gettext(
            "A major quality problem needs the ad-hoc meeting (engineering, production and "
            "others) and its decision before a remedy is proposed: record the meeting first."
        )}
    return {}


def _only_major(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if complaint.severity != Severity.MAJOR:
        return {"severity": gettext(
            "An ad-hoc meeting is held for a major quality problem; for a general problem "
            "quality decides the remedy itself."
        )}
    return {}


def _approver_has_role(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    proposal = pending_proposal(complaint)
    if proposal is None:
        return {"proposal": gettext("There is no proposal awaiting approval.")}
    if actor is None:
        return {}
    config = complaint_config()
    required = set(required_approver_roles(proposal.amount, complaint.escalated))
    if not (role_codes(actor) & (required | set(config.approver_roles_always))):
        return {"approver": gettext(
            "A proposal of %(amount)s CNY must be approved by: %(roles)s."
        ) % {"amount": proposal.amount, "roles": ", ".join(sorted(required))}}
    return {}


def _not_own_proposal(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    proposal = pending_proposal(complaint)
    if actor is not None and proposal is not None and proposal.created_by_id == actor.pk:
        return {"approver": gettext("Nobody approves their own proposal: the superior has to.")}
    return {}


def _legal_opinion_first(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if complaint.legal_flag and not complaint.legal_opinion:
        return {"legal_opinion": gettext(
            "This complaint was sent to legal: money can be promised only after legal has "
            "given its opinion."
        )}
    return {}


def _legal_flagged(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if not complaint.legal_flag:
        return {"legal_flag": gettext("This complaint has not been sent to legal.")}
    return {}


def _not_with_legal_yet(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if complaint.legal_flag:
        return {"legal_flag": gettext("The complaint is already with legal.")}
    return {}


def _not_acknowledged_yet(complaint: Complaint, actor: Actor) -> Mapping[str, str]:
    if complaint.acknowledged_at is not None:
        return {"acknowledged_at": gettext("The complaint was already acknowledged.")}
    return {}


def _handler_action(complaint: Complaint) -> str:
    return "complaint.quality" if complaint.escalated else "complaint.handle"


# --- the transitions ------------------------------------------------------------------------


def _t(
    name: str,
    label: Promise,
    sources: set[str] | frozenset[str],
    targets: set[str] | frozenset[str],
    who: tuple[str, ...],
    *guards: kit.Guard,
) -> Transition:
    order = list(S)  # the table reads in the order of the states
    return Transition(
        name,
        label,
        tuple(s for s in order if s in sources),
        tuple(s for s in order if s in targets),
        who[0],
        guard=first_of(*guards) if guards else None,
        also=who[1:],
    )


_EDITORS = ("complaint.handle", "complaint.quality", "complaint.add")

WORKFLOW = register(
    Workflow(
        name="complaint",
        record_label=_("complaint"),
        states=ComplaintState,
        terminal=FINAL_STATES,
        transitions=[
            _t("analyse", _("Initial analysis"), {S.RECEIVED}, {S.SALES_HANDLING, S.ESCALATED},
               ("complaint.handle",)),
            _t("record_meeting", _("Record the ad-hoc meeting"), {S.ESCALATED}, {S.ESCALATED},
               ("complaint.quality",), _only_major),
            _t("propose", _("Propose a remedy"), HANDLING,
               {S.AWAITING_APPROVAL, S.REMEDY_PROPOSED}, (HANDLER,), _major_needs_meeting),
            _t("approve", _("Approve the money"), {S.AWAITING_APPROVAL}, {S.REMEDY_PROPOSED},
               ("complaint.approve",), _approver_has_role, _not_own_proposal,
               _legal_opinion_first),
            _t("refuse_approval", _("Refuse the money"), {S.AWAITING_APPROVAL}, HANDLING,
               ("complaint.approve",), _approver_has_role, _not_own_proposal),
            _t("accept", _("Customer accepts"), {S.REMEDY_PROPOSED}, {S.REMEDY_ACCEPTED},
               (HANDLER,)),
            _t("reject", _("Customer rejects"), {S.REMEDY_PROPOSED}, HANDLING, (HANDLER,)),
            _t("carry_out", _("Remedy carried out"), {S.REMEDY_ACCEPTED}, {S.REMEDY_DONE},
               (HANDLER,)),
            _t("record_root_cause", _("Record the root cause"), {S.REMEDY_DONE},
               {S.ROOT_CAUSE}, (HANDLER, "complaint.quality")),
            _t("close", _("Close"), {S.ROOT_CAUSE}, {S.CLOSED}, (HANDLER, "complaint.quality")),
            _t("callback", _("Record the call-back"), {S.CLOSED}, {S.CALLED_BACK},
               ("complaint.callback",)),
            _t("cancel", _("Cancel"), {S.RECEIVED, S.SALES_HANDLING, S.ESCALATED},
               {S.CANCELLED}, ("complaint.cancel",)),
        ],
        # side actions: they do not change the state (the whole procedure reads in one file)
        work={
            "edit": Work(_EDITORS[0], tuple(OPEN_STATES), also=_EDITORS[1:]),  # the intake
            "acknowledge": Work(_EDITORS[0], tuple(S), also=_EDITORS[1:],
                                guard=_not_acknowledged_yet),
            "flag_legal": Work("complaint.handle", NOT_FINAL,
                               also=("complaint.quality", "complaint.legal"),
                               guard=_not_with_legal_yet),
            "legal_opinion": Work("complaint.legal", tuple(S), guard=_legal_flagged),
            "attach": Work("complaint.handle", tuple(S),
                           also=("complaint.quality", "complaint.callback", "complaint.legal",
                                 "complaint.add")),
            "accountability": Work("complaint.accountability", tuple(S)),
            "reassign": Work("complaint.handle", NOT_FINAL, also=("complaint.quality",)),
        },
        deadlines={state: f"complaints.{state}" for state in TIMED_STATES},
        aliases={HANDLER: _handler_action},
        refusal=TransitionNotAllowed,
    )
)
TRANSITIONS = WORKFLOW.by_name


def next_transitions(complaint: Complaint) -> list[Transition]:
    """The transitions that start from the complaint's state (whoever may do them)."""
    return WORKFLOW.next_transitions(complaint)
