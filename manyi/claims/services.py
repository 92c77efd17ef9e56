"""Every write to a claim: permission → state → guard → save with audit → history → notify.

Each workflow step is a named function `claim_<verb>(*, actor, claim, expected_version, …)`;
`claim_perform` dispatches by the step's name for the API and the detail page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.models import Department, User
from manyi.accounts.permissions import can, require
from manyi.accounts.types import Actor, Viewer, stored_user
from manyi.audit.models import AuditAction
from manyi.audit.services import audit_entry
from manyi.common import numbering
from manyi.common.attachments import attachment_add
from manyi.common.models import Attachment
from manyi.common.notify import notify_users
from manyi.common.services import record_archive, record_create, record_update
from manyi.customers.models import Customer

from .compensation import CompensationInputError, Line, calculate
from .deadlines import step_deadline
from .models import (
    Claim,
    ClaimStep,
    CompensationLine,
    NegotiationRound,
    PanelFunction,
    PanelMember,
    QualityCost,
    QualityCostCategory,
    RoundAnswer,
    SupplierRecourse,
)
from .states import ClaimState, Liability
from .workflow import WORKFLOW, TransitionError

S = ClaimState
EDITABLE_FIELDS = (
    "contact",
    "product",
    "batch_number",
    "order",
    "handler",
    "description",
    "demand",
    "claimed_amount",
    "complaint_reference",
)
# Department of the function that owns a step (its manager first, then its members).
OWNER_DEPARTMENT = {"deputy_gm": "DGM", "gm": "GM", "finance": "FIN"}


# --- numbers, deadlines, owners -------------------------------------------------------------


def _holder(role: str) -> User | None:
    """The person who does a function's steps: the manager of its department if they hold the
    role, else the first active holder of the role in that department, else anywhere."""
    dept = Department.objects.filter(code=OWNER_DEPARTMENT[role]).select_related("manager").first()
    holders = User.objects.filter(is_active=True, roles__code=role).order_by("id")
    if dept is not None:
        manager = dept.manager
        if manager is not None and manager.is_active and holders.filter(pk=manager.pk).exists():
            return manager
        in_dept = holders.filter(department=dept).first()
        if in_dept is not None:
            return in_dept
    return holders.first()


def step_owner(claim: Claim, state: str) -> User | None:
    kind = WORKFLOW.owners.get(state)
    if kind is None:
        return None
    if kind == "handler":
        return claim.handler
    return _holder(kind)


def _url(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


def _notify_owner(claim: Claim, step: ClaimStep, actor: Actor) -> None:
    owner = step.owner
    if owner is None or (actor is not None and owner.pk == getattr(actor, "pk", None)):
        return
    notify_users(
        key=f"claim:{claim.pk}:step:{step.pk}",
        users=[owner],
        template="claim_step",
        context={
            "claim": claim,
            "customer": claim.customer.name,
            "state": S(step.to_state).label,
            "due": timezone.localtime(step.due_at) if step.due_at else None,
            "actor": actor,
            "url": _url(claim),
        },
        url=_url(claim),
    )


def _log(
    claim: Claim, *, name: str, source: str, actor: Actor, note: str, at: dt.datetime
) -> ClaimStep:
    return ClaimStep.objects.create(
        claim=claim,
        transition=name,
        from_state=source,
        to_state=claim.state,
        actor=stored_user(actor),
        at=at,
        note=note,
        owner=claim.step_owner,
        due_at=claim.step_due_at,
    )


# --- creating and editing -------------------------------------------------------------------


def _check_handler(handler: User | None, customer: Customer) -> None:
    if handler is None:
        raise ValidationError({"handler": _("Choose who handles the claim.")})
    if not can(handler, "claim.negotiate", customer):
        raise ValidationError(
            {"handler": _("This person may not negotiate claims of this customer.")}
        )


def claim_create(*, actor: Actor, data: Mapping[str, Any]) -> Claim:
    """Register a claim (state: collecting documents); the handler defaults to the actor."""
    fields = dict(data)
    customer = fields.get("customer")
    if customer is None:
        raise ValidationError({"customer": _("This field is required.")})
    require(actor, "claim.add", customer)
    if fields.get("handler") is None and actor is not None:
        fields["handler"] = actor
    _check_handler(fields.get("handler"), customer)
    received_on = fields.get("received_on") or timezone.localdate()
    fields["received_on"] = received_on
    with transaction.atomic():
        sequence, number = numbering.allocate_with_sequence("claim", received_on.year)
        now = timezone.now()
        fields.update(
            number=number,
            year=received_on.year,
            sequence=sequence,
            state=S.COLLECTING,
            state_since=now,
            step_due_at=step_deadline(S.COLLECTING, now),
            step_owner=fields["handler"],
        )
        claim = record_create(Claim, actor=actor, fields=fields)
        step = _log(claim, name="create", source="", actor=actor, note="", at=now)
        _notify_owner(claim, step, actor)
    return claim


def claim_update(
    *, actor: Actor, claim: Claim, data: Mapping[str, Any], expected_version: int | None
) -> Claim:
    """Edit the claim's data while the documents are being collected."""
    require(actor, "claim.add", claim)
    WORKFLOW.check_work("edit", claim, actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    fields = dict(data)
    if "handler" in fields:
        _check_handler(fields["handler"], claim.customer)
        fields["step_owner"] = fields["handler"]  # the handler owns the collecting step
    return record_update(claim, actor=actor, fields=fields, expected_version=expected_version)


def may_attach(user: Viewer, claim: Claim) -> bool:
    """Documents may be added by whoever registers claims or works on the current step."""
    if not can(user, "claim.view", claim):
        return False
    if can(user, "claim.add", claim):
        return True
    return bool(WORKFLOW.available(claim, user))


def claim_attach(*, actor: Actor, claim: Claim, upload: UploadedFile, note: str = "") -> Attachment:
    """Attach a document or receipt; the claim's audit trail records it."""
    if actor is not None and not may_attach(actor, claim):
        require(actor, "claim.add", claim)  # raises PermissionDenied with the usual message
    with transaction.atomic():
        attachment = attachment_add(actor=actor, obj=claim, upload=upload, note=note)
        audit_entry(
            instance=claim,
            action=AuditAction.UPDATE,
            actor=stored_user(actor),
            changes={"attachments": [None, attachment.original_name]},
            note=_("document attached"),
        )
    return attachment


# --- the transition core --------------------------------------------------------------------


def _transition(
    *,
    actor: Actor,
    claim: Claim,
    name: str,
    expected_version: int | None,
    fields: Mapping[str, Any] | None = None,
    note: str = "",
    before: Callable[[Claim], None] | None = None,
    after: Callable[[Claim], None] | None = None,
) -> Claim:
    """Check permission, state and guard; move the claim; log the step; notify the owner.

    Everything happens in one transaction: a refused guard leaves nothing behind."""
    require(actor, WORKFLOW.transition(name).action, claim)  # permission first, as always
    with transaction.atomic():
        fresh = Claim.objects.select_related("customer", "handler").get(pk=claim.pk)
        tr = WORKFLOW.check(name, fresh, actor, guard=False)  # the guard sees the new values
        if before is not None:
            before(fresh)
        values = {**(fields or {}), "step_note": note}
        for key, value in values.items():
            setattr(fresh, key, value)
        WORKFLOW.check_guard(tr, fresh, actor)
        source = fresh.state
        target = tr.target_for(fresh)
        now = timezone.now()
        fresh.state = target
        values.update(
            state=target,
            state_since=now,
            step_due_at=step_deadline(target, now),
            step_owner=step_owner(fresh, target),
        )
        if target in WORKFLOW.terminal:
            values["closed_at"] = now
        updated = record_update(
            fresh, actor=actor, fields=values, expected_version=expected_version, note=str(tr.label)
        )
        step = _log(updated, name=name, source=source, actor=actor, note=note, at=now)
        if after is not None:
            after(updated)
        _notify_owner(updated, step, actor)
    return updated


# --- the steps ------------------------------------------------------------------------------


def claim_submit(*, actor: Actor, claim: Claim, expected_version: int | None) -> Claim:
    """Documents complete: hand the claim to the deputy GM for the preliminary analysis."""
    return _transition(actor=actor, claim=claim, name="submit", expected_version=expected_version)


def claim_propose(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    preliminary_analysis: str,
    proposal: str,
    proposed_amount: Decimal | None = None,
) -> Claim:
    return _transition(
        actor=actor,
        claim=claim,
        name="propose",
        expected_version=expected_version,
        fields={
            "preliminary_analysis": preliminary_analysis,
            "proposal": proposal,
            "proposed_amount": proposed_amount,
        },
    )


def claim_approve(
    *, actor: Actor, claim: Claim, expected_version: int | None, note: str = ""
) -> Claim:
    return _transition(
        actor=actor,
        claim=claim,
        name="approve",
        expected_version=expected_version,
        note=note,
        fields={"approved_by": actor if getattr(actor, "pk", None) else None,
                "approved_at": timezone.now()},
    )


def claim_send_back(
    *, actor: Actor, claim: Claim, expected_version: int | None, note: str
) -> Claim:
    return _transition(
        actor=actor, claim=claim, name="send_back", expected_version=expected_version, note=note
    )


def negotiation_round_add(
    *,
    actor: Actor,
    claim: Claim,
    held_on: dt.date,
    offer: str,
    offer_amount: Decimal | None = None,
    answer: str = RoundAnswer.PENDING,
    answer_note: str = "",
) -> NegotiationRound:
    """Record a round of negotiation: our offer and the customer's answer."""
    require(actor, "claim.negotiate", claim)
    with transaction.atomic():
        fresh = Claim.objects.select_for_update().get(pk=claim.pk)
        WORKFLOW.check_work("round", fresh, actor)
        last = fresh.last_round()
        if last is not None and last.answer == RoundAnswer.ACCEPTED:
            raise TransitionError(
                {"answer": _("The customer accepted the last offer: record the agreement.")}
            )
        return record_create(
            NegotiationRound,
            actor=actor,
            fields={
                "claim": fresh,
                "number": (last.number + 1) if last else 1,
                "held_on": held_on,
                "offer": offer,
                "offer_amount": offer_amount,
                "answer": answer,
                "answer_note": answer_note,
            },
        )


def negotiation_round_answer(
    *,
    actor: Actor,
    round: NegotiationRound,
    answer: str,
    answer_note: str = "",
    expected_version: int | None = None,
) -> NegotiationRound:
    """Record the customer's answer to a round that had none yet."""
    require(actor, "claim.negotiate", round.claim)
    WORKFLOW.check_work("round", round.claim, actor)
    if round.answer != RoundAnswer.PENDING:
        raise TransitionError({"answer": _("This round already has the customer's answer.")})
    return record_update(
        round,
        actor=actor,
        fields={"answer": answer, "answer_note": answer_note},
        expected_version=expected_version,
    )


def claim_agree(
    *, actor: Actor, claim: Claim, expected_version: int | None, note: str = ""
) -> Claim:
    last = claim.last_round()
    return _transition(
        actor=actor,
        claim=claim,
        name="agree",
        expected_version=expected_version,
        note=note,
        fields={"agreed_amount": last.offer_amount if last is not None else None},
    )


def claim_reanalyse(
    *, actor: Actor, claim: Claim, expected_version: int | None, note: str = ""
) -> Claim:
    return _transition(
        actor=actor, claim=claim, name="reanalyse", expected_version=expected_version, note=note
    )


def claim_break_off(
    *, actor: Actor, claim: Claim, expected_version: int | None, note: str
) -> Claim:
    return _transition(
        actor=actor, claim=claim, name="break_off", expected_version=expected_version, note=note
    )


def claim_withdraw(*, actor: Actor, claim: Claim, expected_version: int | None, note: str) -> Claim:
    return _transition(
        actor=actor, claim=claim, name="withdraw", expected_version=expected_version, note=note
    )


@dataclass(frozen=True)
class PanelEntry:
    function: str
    department: Department | None = None
    user: User | None = None


def claim_determine_liability(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    liability: str,
    liability_decision: str,
    panel: Sequence[PanelEntry],
    liability_decided_on: dt.date | None = None,
    company_share_percent: Decimal | None = None,
    supplier_name: str = "",
) -> Claim:
    """Record the panel (its members and decision). Not ours → the customer is asked to
    acknowledge the cancellation; ours, shared or the supplier's → finance calculates."""
    if liability not in Liability.values:
        raise ValidationError({"liability": _("Choose the liability the panel decided.")})
    for i, entry in enumerate(panel):
        if entry.function not in PanelFunction.values:
            raise ValidationError({"panel": _("Panel member %(n)s: unknown function.")
                                   % {"n": i + 1}})
        if entry.department is None and entry.user is None:
            raise ValidationError({"panel": _("Panel member %(n)s: give a department or a "
                                              "person.") % {"n": i + 1}})

    def add_panel(fresh: Claim) -> None:
        for old in fresh.panel_members.filter(archived_at__isnull=True):
            record_archive(old, actor=actor, reason=_("panel recorded again"))
        for entry in panel:
            record_create(
                PanelMember,
                actor=actor,
                fields={
                    "claim": fresh,
                    "function": entry.function,
                    "department": entry.department,
                    "user": entry.user,
                },
            )

    return _transition(
        actor=actor,
        claim=claim,
        name="determine",
        expected_version=expected_version,
        before=add_panel,
        fields={
            "liability": liability,
            "liability_decision": liability_decision,
            "liability_decided_on": liability_decided_on or timezone.localdate(),
            "company_share_percent": company_share_percent
            if liability == Liability.SHARED
            else None,
            "supplier_name": supplier_name if liability == Liability.SUPPLIER else "",
        },
    )


def claim_acknowledge(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    customer_acknowledgement: str,
    acknowledged_on: dt.date | None,
) -> Claim:
    """The customer acknowledged that the liability is not ours: the claim is cancelled."""
    return _transition(
        actor=actor,
        claim=claim,
        name="acknowledge",
        expected_version=expected_version,
        fields={
            "customer_acknowledgement": customer_acknowledgement,
            "acknowledged_on": acknowledged_on,
        },
    )


def compensation_calculate(
    *, actor: Actor, claim: Claim, lines: Sequence[Line], expected_version: int | None
) -> Claim:
    """Finance's calculation: the lines replace any earlier calculation (archived)."""
    require(actor, "claim.compensate", claim)
    WORKFLOW.check_work("calculate", claim, actor)
    share = claim.company_share_percent if claim.liability == Liability.SHARED else None
    try:
        result = calculate(lines, share)
    except CompensationInputError as exc:
        raise ValidationError({"lines": str(exc)}) from exc
    with transaction.atomic():
        updated = record_update(
            claim,
            actor=actor,
            fields={
                "compensation_subtotal": result.subtotal,
                "compensation_amount": result.total,
            },
            expected_version=expected_version,
            note=_("compensation calculated"),
        )
        for old in updated.compensation_lines.filter(archived_at__isnull=True):
            record_archive(old, actor=actor, reason=_("calculated again"))
        for position, (line, total) in enumerate(zip(lines, result.line_totals, strict=True), 1):
            record_create(
                CompensationLine,
                actor=actor,
                fields={
                    "claim": updated,
                    "position": position,
                    "kind": line.kind,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                    "total": total,
                },
            )
    return updated


def claim_book(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    booked_on: dt.date | None = None,
) -> Claim:
    """Book the compensation as quality cost (once); the supplier's liability opens a recourse
    claim against the supplier for the same amount."""

    def book(updated: Claim) -> None:
        amount = updated.compensation_amount
        assert amount is not None  # the guard checked it
        record_create(
            QualityCost,
            actor=actor,
            fields={
                "date": booked_on or timezone.localdate(),
                "customer": updated.customer,
                "product": updated.product,
                "amount": amount,
                "category": QualityCostCategory.EXTERNAL_CLAIM,
                "claim": updated,
                "description": _("Compensation of claim %(n)s") % {"n": updated.number},
            },
        )
        if updated.liability == Liability.SUPPLIER:
            record_create(
                SupplierRecourse,
                actor=actor,
                fields={
                    "claim": updated,
                    "supplier_name": updated.supplier_name,
                    "amount_claimed": amount,
                },
            )

    return _transition(
        actor=actor, claim=claim, name="book", expected_version=expected_version, after=book
    )


RECOURSE_FIELDS = ("supplier_name", "amount_claimed", "negotiation_notes", "amount_recovered",
                   "settled_on")


def recourse_update(
    *,
    actor: Actor,
    claim: Claim,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> SupplierRecourse:
    """The deputy GM's negotiation with the supplier: notes, amounts, settlement date."""
    require(actor, "claim.recourse", claim)
    WORKFLOW.check_work("recourse", claim, actor)
    unknown = set(data) - set(RECOURSE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    recourse = SupplierRecourse.objects.get(claim=claim)
    return record_update(recourse, actor=actor, fields=data, expected_version=expected_version)


def claim_settle_recourse(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    amount_recovered: Decimal | None = None,
    settled_on: dt.date | None = None,
    negotiation_notes: str | None = None,
) -> Claim:
    """The supplier agreed: record what was recovered and go on to the root-cause analysis."""

    def settle(fresh: Claim) -> None:
        data: dict[str, Any] = {}
        if amount_recovered is not None:
            data["amount_recovered"] = amount_recovered
        if negotiation_notes is not None:
            data["negotiation_notes"] = negotiation_notes
        recourse = SupplierRecourse.objects.filter(claim=fresh).first()
        if recourse is None:
            return
        data["settled_on"] = settled_on or recourse.settled_on or timezone.localdate()
        record_update(recourse, actor=actor, fields=data, expected_version=None)
        fresh.recourse = SupplierRecourse.objects.get(pk=recourse.pk)

    return _transition(
        actor=actor,
        claim=claim,
        name="settle_recourse",
        expected_version=expected_version,
        before=settle,
    )


def claim_close(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None,
    root_cause: str,
    capa_required: bool = False,
    capa_reference: str = "",
) -> Claim:
    """Root cause recorded (and the corrective action it needs, if any): close the claim."""
    return _transition(
        actor=actor,
        claim=claim,
        name="close",
        expected_version=expected_version,
        fields={
            "root_cause": root_cause,
            "capa_required": capa_required,
            "capa_reference": capa_reference,
        },
    )


PERFORMERS: dict[str, Callable[..., Claim]] = {
    "submit": claim_submit,
    "propose": claim_propose,
    "approve": claim_approve,
    "send_back": claim_send_back,
    "agree": claim_agree,
    "reanalyse": claim_reanalyse,
    "break_off": claim_break_off,
    "withdraw": claim_withdraw,
    "determine": claim_determine_liability,
    "acknowledge": claim_acknowledge,
    "book": claim_book,
    "settle_recourse": claim_settle_recourse,
    "close": claim_close,
}
assert set(PERFORMERS) == set(WORKFLOW.by_name)


def claim_perform(
    *,
    actor: Actor,
    claim: Claim,
    name: str,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Claim:
    """Run the step `name` with the cleaned data of its form (API and detail page)."""
    performer = PERFORMERS.get(name)
    if performer is None:
        WORKFLOW.transition(name)  # raises the "unknown step" error
        raise AssertionError(name)
    return performer(actor=actor, claim=claim, expected_version=expected_version, **data)


# --- the overdue sweep ----------------------------------------------------------------------


def claims_notify_overdue(*, now: dt.datetime | None = None) -> int:
    """Tell each owner of an overdue step, once per step (the key names the step's start)."""
    now = now or timezone.now()
    overdue = Claim.objects.filter(
        archived_at__isnull=True,
        state__in=WORKFLOW.open_states,
        step_due_at__lt=now,
        step_owner__isnull=False,
    ).select_related("customer", "step_owner")
    sent = 0
    for claim in overdue:
        owner = claim.step_owner
        messages = notify_users(
            key=f"claim:{claim.pk}:overdue:{claim.state}:{claim.state_since:%Y%m%d%H%M%S%f}",
            users=[owner] if owner is not None else [],
            template="claim_overdue",
            context={
                "claim": claim,
                "customer": claim.customer.name,
                "state": S(claim.state).label,
                "due": timezone.localtime(claim.step_due_at) if claim.step_due_at else None,
                "url": _url(claim),
            },
            url=_url(claim),
        )
        sent += len(messages)
    return sent

