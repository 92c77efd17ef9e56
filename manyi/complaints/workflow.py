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

*Who* names permission actions (`permissions.py`); any one of them suffices, checked on the
complaint (so an OWN scope is the customer's office/unit/region or the responsible department).
`HANDLER` means ``complaint.handle`` (sales) before escalation and ``complaint.quality`` after.
A *guard* returns an error message when the transition cannot happen now.

Every refused transition raises `TransitionNotAllowed` naming the current state and the
allowed next steps; a failed guard raises `TransitionBlocked`; a missing permission raises
`PermissionDenied`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manyi.accounts.permissions import can, role_codes

from .config import complaint_config
from .models import Complaint, ComplaintState, ProposalStatus, Severity

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

HANDLER = "handler"

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


class TransitionNotAllowed(ValidationError):
    """The transition does not start from the complaint's current state."""

    def __init__(self, complaint: Complaint, name: str) -> None:
        self.state = complaint.state
        self.transition = name
        self.allowed = [t.name for t in next_transitions(complaint)]
        label = str(TRANSITIONS[name].label) if name in TRANSITIONS else name
        allowed = ", ".join(f"“{TRANSITIONS[n].label}”" for n in self.allowed)
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


class TransitionBlocked(ValidationError):
    """The transition starts from this state but a guard says it cannot happen yet."""


Guard = Callable[[Complaint, Any], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    targets: frozenset[str]
    who: tuple[str, ...]
    guards: tuple[Guard, ...] = ()

    def actions_for(self, complaint: Complaint) -> tuple[str, ...]:
        handler = "complaint.quality" if complaint.escalated else "complaint.handle"
        return tuple(handler if w == HANDLER else w for w in self.who)


# --- guards ---------------------------------------------------------------------------------


def pending_proposal(complaint: Complaint) -> Any:
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


def _major_needs_meeting(complaint: Complaint, actor: Any) -> str | None:
    if (
        complaint.escalated
        and complaint.severity == Severity.MAJOR
        and not complaint.meetings.filter(archived_at__isnull=True).exists()
    ):
        return gettext(
            "A major quality problem needs the ad-hoc meeting (engineering, production and "
            "others) and its decision before a remedy is proposed: record the meeting first."
        )
    return None


def _only_major(complaint: Complaint, actor: Any) -> str | None:
    if complaint.severity != Severity.MAJOR:
        return gettext(
            "An ad-hoc meeting is held for a major quality problem; for a general problem "
            "quality decides the remedy itself."
        )
    return None


def _approver_has_role(complaint: Complaint, actor: Any) -> str | None:
    proposal = pending_proposal(complaint)
    if proposal is None:
        return gettext("There is no proposal awaiting approval.")
    if actor is None:
        return None
    config = complaint_config()
    required = set(required_approver_roles(proposal.amount, complaint.escalated))
    if not (role_codes(actor) & (required | set(config.approver_roles_always))):
        return gettext(
            "A proposal of %(amount)s CNY must be approved by: %(roles)s."
        ) % {"amount": proposal.amount, "roles": ", ".join(sorted(required))}
    return None


def _not_own_proposal(complaint: Complaint, actor: Any) -> str | None:
    proposal = pending_proposal(complaint)
    if actor is not None and proposal is not None and proposal.created_by_id == actor.pk:
        return gettext("Nobody approves their own proposal: the superior has to.")
    return None


def _legal_opinion_first(complaint: Complaint, actor: Any) -> str | None:
    if complaint.legal_flag and not complaint.legal_opinion:
        return gettext(
            "This complaint was sent to legal: money can be promised only after legal has "
            "given its opinion."
        )
    return None


def _legal_flagged(complaint: Complaint, actor: Any) -> str | None:
    if not complaint.legal_flag:
        return gettext("This complaint has not been sent to legal.")
    return None


# --- the transitions ------------------------------------------------------------------------

HANDLING = frozenset({S.SALES_HANDLING, S.ESCALATED})


def _t(
    name: str,
    label: Promise,
    sources: set[str],
    targets: set[str],
    who: tuple[str, ...],
    guards: tuple[Guard, ...] = (),
) -> Transition:
    return Transition(name, label, frozenset(sources), frozenset(targets), who, guards)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("analyse", _("Initial analysis"), {S.RECEIVED}, {S.SALES_HANDLING, S.ESCALATED},
           ("complaint.handle",)),
        _t("record_meeting", _("Record the ad-hoc meeting"), {S.ESCALATED}, {S.ESCALATED},
           ("complaint.quality",), (_only_major,)),
        _t("propose", _("Propose a remedy"), set(HANDLING),
           {S.AWAITING_APPROVAL, S.REMEDY_PROPOSED}, (HANDLER,), (_major_needs_meeting,)),
        _t("approve", _("Approve the money"), {S.AWAITING_APPROVAL}, {S.REMEDY_PROPOSED},
           ("complaint.approve",),
           (_approver_has_role, _not_own_proposal, _legal_opinion_first)),
        _t("refuse_approval", _("Refuse the money"), {S.AWAITING_APPROVAL}, set(HANDLING),
           ("complaint.approve",), (_approver_has_role, _not_own_proposal)),
        _t("accept", _("Customer accepts"), {S.REMEDY_PROPOSED}, {S.REMEDY_ACCEPTED},
           (HANDLER,)),
        _t("reject", _("Customer rejects"), {S.REMEDY_PROPOSED}, set(HANDLING), (HANDLER,)),
        _t("carry_out", _("Remedy carried out"), {S.REMEDY_ACCEPTED}, {S.REMEDY_DONE},
           (HANDLER,)),
        _t("record_root_cause", _("Record the root cause"), {S.REMEDY_DONE}, {S.ROOT_CAUSE},
           (HANDLER, "complaint.quality")),
        _t("close", _("Close"), {S.ROOT_CAUSE}, {S.CLOSED}, (HANDLER, "complaint.quality")),
        _t("callback", _("Record the call-back"), {S.CLOSED}, {S.CALLED_BACK},
           ("complaint.callback",)),
        _t("cancel", _("Cancel"), {S.RECEIVED, S.SALES_HANDLING, S.ESCALATED}, {S.CANCELLED},
           ("complaint.cancel",)),
    )
}

# Actions that do not change the state (kept here so the whole procedure reads in one file).
SIDE_ACTIONS: dict[str, tuple[str, ...]] = {
    "edit": ("complaint.handle", "complaint.quality", "complaint.add"),  # correct the intake
    "acknowledge": ("complaint.handle", "complaint.quality", "complaint.add"),
    "flag_legal": ("complaint.handle", "complaint.quality", "complaint.legal"),
    "legal_opinion": ("complaint.legal",),
    "attach": ("complaint.handle", "complaint.quality", "complaint.callback", "complaint.legal",
               "complaint.add"),
    "accountability": ("complaint.accountability",),
    "reassign": ("complaint.handle", "complaint.quality"),
}
SIDE_GUARDS: dict[str, tuple[Guard, ...]] = {"legal_opinion": (_legal_flagged,)}


def next_transitions(complaint: Complaint) -> list[Transition]:
    """The transitions that start from the complaint's state (whoever may do them)."""
    return [t for t in TRANSITIONS.values() if complaint.state in t.sources]


def may(actor: Any, actions: tuple[str, ...], complaint: Complaint) -> bool:
    return actor is None or any(can(actor, action, complaint) for action in actions)


def blocked_reason(complaint: Complaint, transition: Transition, actor: Any) -> str | None:
    for guard in transition.guards:
        message = guard(complaint, actor)
        if message:
            return message
    return None


def check(complaint: Complaint, name: str, actor: Any) -> Transition:
    """The transition if `actor` may do it now; else raise (state, permission, guard)."""
    transition = TRANSITIONS.get(name)
    if transition is None or complaint.state not in transition.sources:
        raise TransitionNotAllowed(complaint, name)
    if not may(actor, transition.actions_for(complaint), complaint):
        raise PermissionDenied(gettext("You are not allowed to do this."))
    reason = blocked_reason(complaint, transition, actor)
    if reason:
        raise TransitionBlocked(reason, code="blocked")
    return transition


def check_side(complaint: Complaint, name: str, actor: Any) -> None:
    if not may(actor, SIDE_ACTIONS[name], complaint):
        raise PermissionDenied(gettext("You are not allowed to do this."))
    for guard in SIDE_GUARDS.get(name, ()):
        message = guard(complaint, actor)
        if message:
            raise TransitionBlocked(message, code="blocked")


def check_target(complaint: Complaint, transition: Transition, target: str) -> None:
    """Services choose the target; it must be one the table allows."""
    if target not in transition.targets:  # pragma: no cover - a programming error
        raise AssertionError(f"{transition.name}: {complaint.state} → {target} not in table")


@dataclass(frozen=True)
class Available:
    transition: Transition
    blocked: str | None  # why it cannot happen yet (a guard), None when it can


def available(complaint: Complaint, actor: Any) -> list[Available]:
    """The next steps `actor` may take (with the reason when a guard still blocks one)."""
    out = []
    for transition in next_transitions(complaint):
        if may(actor, transition.actions_for(complaint), complaint):
            out.append(Available(transition, blocked_reason(complaint, transition, actor)))
    return out


def side_allowed(complaint: Complaint, actor: Any) -> set[str]:
    allowed = set()
    for name, actions in SIDE_ACTIONS.items():
        if may(actor, actions, complaint) and not any(
            g(complaint, actor) for g in SIDE_GUARDS.get(name, ())
        ):
            allowed.add(name)
    return allowed
