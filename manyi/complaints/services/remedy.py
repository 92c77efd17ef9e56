"""The remedy steps: propose (money goes to the superior first), approve or refuse, the
customer's answer, carrying it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor
from manyi.common.services import record_create, record_update

from .. import workflow
from ..models import MONEY_KINDS, Complaint, ComplaintState, ProposalStatus, RemedyProposal
from . import clock
from .people import notify, users_with_roles
from .steps import handling_due, handling_state, locked_step, move, not_in_future, require_fields

S = ComplaintState


def complaint_propose_remedy(
    *,
    actor: Actor,
    complaint: Complaint,
    kind: str = "",
    description: str = "",
    amount: Decimal | None = None,
    quality_decision: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A remedy proposal (numbered); money (refund, exchange, compensation) first goes to the
    superior for approval, anything else straight to the customer."""
    with locked_step(actor, complaint, "propose", expected_version) as (c, t):
        require_fields(kind=kind, description=description)
        money = _is_money(kind, amount)
        now = clock.now()
        number = (c.proposals.aggregate(n=models.Max("number"))["n"] or 0) + 1
        fields: dict[str, Any] = {}
        if c.first_remedy_at is None:
            fields["first_remedy_at"] = now
        if c.escalated and quality_decision:
            fields["quality_decision"] = quality_decision
        roles = workflow.required_approver_roles(amount, c.escalated) if money else ()
        c = move(c, actor, t, S.AWAITING_APPROVAL if money else S.REMEDY_PROPOSED, fields)
        proposal = record_create(
            RemedyProposal,
            actor=actor,
            fields={
                "complaint": c,
                "number": number,
                "kind": kind,
                "description": description,
                "amount": amount if money else None,
                "status": ProposalStatus.AWAITING_APPROVAL if money else ProposalStatus.PROPOSED,
                "by_quality": c.escalated,
                "approver_roles": ",".join(roles),
                "proposed_at": None if money else now,
            },
        )
        if money:
            _ask_approval(c, actor, roles, proposal)
        return c


def _is_money(kind: str, amount: Decimal | None) -> bool:
    """Whether the remedy is money (refund, exchange, compensation), which has its amount."""
    money = kind in MONEY_KINDS
    if money and (amount is None or amount <= 0):
        raise ValidationError(
            {"amount": _("A refund, exchange or compensation needs its amount in CNY.")}
        )
    if not money and amount:
        raise ValidationError(
            {"amount": _("Only a refund, exchange or compensation has an amount.")}
        )
    return money


def _ask_approval(
    c: Complaint, actor: Actor, roles: Sequence[str], proposal: RemedyProposal
) -> None:
    """Tell the approvers of the money (else the general manager), never the proposer."""
    approvers = [u for u in users_with_roles(roles) if u != actor]
    if not approvers:
        approvers = [u for u in users_with_roles(["gm"]) if u != actor]
    notify(c, f"approval:{proposal.number}", approvers, "complaint_approval", proposal=proposal)


def _proposal(c: Complaint, status: str) -> RemedyProposal:
    proposal = c.proposals.filter(status=status).order_by("-number").first()
    if proposal is None:  # pragma: no cover - the state says there is one
        raise ValidationError(_("No remedy proposal in this state."))
    return proposal


def complaint_approve_remedy(
    *,
    actor: Actor,
    complaint: Complaint,
    note: str | None = "",
    expected_version: int | None = None,
) -> Complaint:
    """The superior approves the money: the proposal goes to the customer."""
    with locked_step(actor, complaint, "approve", expected_version) as (c, t):
        now = clock.now()
        proposal = _proposal(c, ProposalStatus.AWAITING_APPROVAL)
        c = move(c, actor, t, S.REMEDY_PROPOSED)
        record_update(
            proposal,
            actor=actor,
            fields={
                "status": ProposalStatus.PROPOSED,
                "approved_by": actor,
                "approved_at": now,
                "approval_note": note or "",
                "proposed_at": now,
            },
            expected_version=proposal.version,
        )
        if c.owner is not None and c.owner != actor:
            notify(c, f"approved:{proposal.number}", [c.owner], "complaint_event",
                    event="approved", n=proposal.number, text=note or "")
        return c


def complaint_refuse_approval(
    *,
    actor: Actor,
    complaint: Complaint,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The superior refuses the money: the handler proposes again."""
    with locked_step(actor, complaint, "refuse_approval", expected_version) as (c, t):
        require_fields(note=note)
        proposal = _proposal(c, ProposalStatus.AWAITING_APPROVAL)
        now = clock.now()
        c = move(c, actor, t, handling_state(c), due_at=handling_due(c, now))
        record_update(
            proposal,
            actor=actor,
            fields={
                "status": ProposalStatus.APPROVAL_REFUSED,
                "approved_by": actor,
                "approved_at": now,
                "approval_note": note,
            },
            expected_version=proposal.version,
        )
        if c.owner is not None and c.owner != actor:
            notify(c, f"refused:{proposal.number}", [c.owner], "complaint_event",
                    event="refused", n=proposal.number, text=note)
        return c


def _answer(
    c: Complaint, actor: Actor, status: str, note: str | None, answered_at: dt.datetime | None
) -> None:
    proposal = _proposal(c, ProposalStatus.PROPOSED)
    record_update(
        proposal,
        actor=actor,
        fields={"status": status, "answered_at": answered_at or clock.now(),
                "answer_note": note or ""},
        expected_version=proposal.version,
    )


def complaint_accept_remedy(
    *,
    actor: Actor,
    complaint: Complaint,
    note: str | None = "",
    answered_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The customer accepts the proposed remedy."""
    with locked_step(actor, complaint, "accept", expected_version) as (c, t):
        c = move(c, actor, t, S.REMEDY_ACCEPTED)
        _answer(c, actor, ProposalStatus.ACCEPTED, note, answered_at)
        return c


def complaint_reject_remedy(
    *,
    actor: Actor,
    complaint: Complaint,
    note: str = "",
    answered_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The customer rejects the proposed remedy: the handler proposes again."""
    with locked_step(actor, complaint, "reject", expected_version) as (c, t):
        require_fields(note=note)
        c = move(c, actor, t, handling_state(c), due_at=handling_due(c, clock.now()))
        _answer(c, actor, ProposalStatus.REJECTED, note, answered_at)
        return c


def complaint_carry_out_remedy(
    *,
    actor: Actor,
    complaint: Complaint,
    result: str = "",
    carried_out_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The accepted remedy was carried out."""
    with locked_step(actor, complaint, "carry_out", expected_version) as (c, t):
        require_fields(result=result)
        done = carried_out_at or clock.now()
        not_in_future("carried_out_at", done)
        return move(c, actor, t, S.REMEDY_DONE, {"result": result, "carried_out_at": done})


