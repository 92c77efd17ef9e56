"""Every write of complaint handling: permission → workflow check → validation → save → audit
→ notifications. Each service runs in one transaction (nothing is half-saved)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.models import Department, User
from manyi.accounts.permissions import can, require, users_who_can
from manyi.accounts.selectors import manager_of
from manyi.common import numbering
from manyi.common.attachments import attachment_add
from manyi.common.calendar import local_tz
from manyi.common.models import Attachment
from manyi.common.notify import email_address, notify_users
from manyi.common.services import StaleRecordError, record_create, record_update
from manyi.common.workflow import Transition

from . import hooks, workflow
from .deadlines import (
    manager_escalation_at,
    manager_escalation_workdays,
    remedy_deadline,
    step_deadline,
)
from .models import (
    MONEY_KINDS,
    Accountability,
    CallbackSatisfaction,
    Channel,
    Complaint,
    ComplaintMeeting,
    ComplaintState,
    ProposalStatus,
    RemedyProposal,
    Severity,
)
from .workflow import WORKFLOW

S = ComplaintState

INTAKE_FIELDS = (
    "customer",
    "contact",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_language",
    "channel",
    "received_at",
    "product",
    "product_model",
    "batch_number",
    "purchase_date",
    "purchase_place",
    "description",
    "customer_demand",
    "content_category",
    "nature",
    "severity",
)


# --- people -----------------------------------------------------------------------------------


def _active_users(qs: models.QuerySet[Any]) -> list[Any]:
    return list(qs.filter(is_active=True).distinct().order_by("id"))


def users_with_roles(roles: Iterable[str]) -> list[Any]:
    return _active_users(User.objects.filter(roles__code__in=list(roles)))


def sales_owner_for(customer: Any) -> Any:
    """Who handles a complaint recorded by someone outside sales (e.g. the hotline): the
    manager of the customer's branch office, else a sales user of that office, else a sales
    manager."""
    office = customer.branch_office
    if office.manager is not None and office.manager.is_active:
        return office.manager
    local = _active_users(
        User.objects.filter(
            department=office, roles__code__in=["branch_manager", "sales_clerk"]
        )
    )
    if local:
        return local[0]
    managers = users_with_roles(["sales_manager"])
    return managers[0] if managers else None


def quality_owner() -> Any:
    qa = Department.objects.filter(code="QA").select_related("manager").first()
    if qa is not None and qa.manager is not None and qa.manager.is_active:
        return qa.manager
    managers = users_with_roles(["quality_manager"])
    return managers[0] if managers else None


def legal_users() -> list[Any]:
    return _active_users(User.objects.filter(Q(department__code="LEGAL") | Q(roles__code="legal")))


def step_owners(complaint: Complaint) -> list[Any]:
    """Who must act in the complaint's current step (they get the overdue reminder)."""
    if complaint.state == S.AWAITING_APPROVAL:
        proposal = workflow.pending_proposal(complaint)
        roles = workflow.required_approver_roles(
            proposal.amount if proposal else None, complaint.escalated
        )
        approvers = users_with_roles(roles)
        if approvers:
            return approvers
    if complaint.state == S.CLOSED:
        service = users_with_roles(["customer_service"])
        if service:
            return service
    if complaint.owner is not None and complaint.owner.is_active:
        return [complaint.owner]
    dept = complaint.responsible_department
    if dept is not None and dept.manager is not None:
        return [dept.manager]
    return []


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _notify(
    complaint: Complaint, key: str, users: Iterable[Any], template: str, **context: Any
) -> int:
    sent = notify_users(
        key=f"complaint:{complaint.pk}:{key}",
        users=[u for u in users if u is not None],
        template=template,
        context={"complaint": complaint, "url": complaint_url(complaint), **context},
        url=complaint_url(complaint),
    )
    return len(sent)


# --- intake -----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _validate_intake(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    customer = data.get("customer")
    contact = data.get("contact")
    if customer is None:
        errors["customer"] = _("This field is required.")
    elif contact is not None and contact.customer_id != customer.pk:
        errors["contact"] = _("This contact belongs to another customer.")
    received = data.get("received_at")
    if received is not None and received > _now() + dt.timedelta(minutes=5):
        errors["received_at"] = _("The complaint cannot be received in the future.")
    purchase = data.get("purchase_date")
    if purchase is not None and received is not None and purchase > timezone.localdate(
        received, local_tz()
    ):
        errors["purchase_date"] = _("The purchase date is after the complaint was received.")
    if errors:
        raise ValidationError(errors)


def complaint_create(
    *, actor: Any, data: Mapping[str, Any], parent: Complaint | None = None
) -> Complaint:
    """Record a complaint (质量信息反馈单) and acknowledge it to the customer."""
    customer = data.get("customer")
    if customer is not None:
        require(actor, "complaint.add", customer)
    else:
        require(actor, "complaint.add")
    return _create(actor=actor, data=data, parent=parent)


def _create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    parent: Complaint | None,
    acknowledged: tuple[dt.datetime, str] | None = None,
) -> Complaint:
    _validate_intake(data)
    fields = {k: v for k, v in data.items() if k in INTAKE_FIELDS}
    fields.setdefault("received_at", _now())
    customer = fields["customer"]
    contact = fields.get("contact")
    if contact is not None:
        fields["contact_name"] = fields.get("contact_name") or contact.name
        fields["contact_phone"] = fields.get("contact_phone") or contact.phone
        fields["contact_email"] = fields.get("contact_email") or contact.email
        fields["contact_language"] = contact.language
    owner = data.get("owner")
    if owner is None:
        owner = actor if actor is not None and can(actor, "complaint.handle", customer) else None
        owner = owner or sales_owner_for(customer)
    received: dt.datetime = fields["received_at"]
    email = fields.get("contact_email") or ""
    with transaction.atomic():
        year = timezone.localtime(received, local_tz()).year
        sequence, number = numbering.allocate_with_sequence("complaint", year)
        complaint = record_create(
            Complaint,
            actor=actor,
            fields={
                **fields,
                "number": number,
                "year": year,
                "sequence": sequence,
                "state": S.RECEIVED,
                "owner": owner,
                "responsible_department": customer.branch_office,
                "due_at": step_deadline(S.RECEIVED, received),
                "remedy_due_at": remedy_deadline(received),
                "parent": parent,
                "acknowledged_at": acknowledged[0] if acknowledged else _now() if email else None,
                "acknowledged_by": acknowledged[1] if acknowledged else "email" if email else "",
            },
        )
        if email:
            email_address(
                key=f"complaint:{complaint.pk}:ack",
                to=email,
                language=fields.get("contact_language") or "zh-hans",
                template="complaint_ack",
                context={"complaint": complaint, "name": fields.get("contact_name") or ""},
            )
        if owner is not None and owner != actor:
            _notify(complaint, "assigned:received", [owner], "complaint_assigned",
                    step=workflow.STEP_LABELS[S.RECEIVED])
        if data.get("legal_flag"):
            _flag_legal(complaint, actor)
            complaint.refresh_from_db()
    return complaint


def complaint_create_from_survey(*, actor: Any, response: Any, answer: Any) -> Complaint:
    """A low score in a satisfaction survey opens a complaint (004 §6.3.2; offered to the
    surveys as the receiver "complaint.from_survey_answer", see integrations.py). The
    respondent is the contact; the category is corrected at the initial analysis."""
    require(actor, "complaint.add", response.customer)
    item = getattr(answer, "item", None)
    question = getattr(item, "text", "") or str(item or "")
    parts = [_("Low score in a satisfaction survey: %(q)s = %(v)s")
             % {"q": question, "v": getattr(answer, "value", "")}]
    if getattr(answer, "text", ""):
        parts.append(answer.text)
    return _create(
        actor=actor,
        data={
            "customer": response.customer,
            "contact_name": getattr(response, "respondent", "") or _("survey respondent"),
            "contact_language": "en" if str(getattr(response, "language", "")).startswith("en")
            else "zh-hans",
            "channel": Channel.MARKET_RESEARCH,
            "received_at": _now(),
            "description": "\n".join(parts),
            "content_category": "product_quality",
        },
        parent=None,
    )


def complaint_update(
    *, actor: Any, complaint: Complaint, data: Mapping[str, Any], expected_version: int | None
) -> Complaint:
    """Correct the intake (what the customer said, product, classification) while open."""
    WORKFLOW.check_work("edit", complaint, actor, state=False)
    if not complaint.is_open:
        raise workflow.TransitionBlocked(
            _("A closed complaint cannot be changed."), code="blocked"
        )
    fields = {k: v for k, v in data.items() if k in INTAKE_FIELDS and k != "customer"}
    _validate_intake({**fields, "customer": complaint.customer,
                      "received_at": fields.get("received_at", complaint.received_at)})
    if "received_at" in fields and fields["received_at"] != complaint.received_at:
        raise ValidationError({"received_at": _("The time of receipt cannot be changed.")})
    return record_update(complaint, actor=actor, fields=fields, expected_version=expected_version)


# --- transitions: one named service per step of workflow.WORKFLOW ------------------------------


@contextmanager
def _step(
    actor: Any, complaint: Complaint, name: str, expected_version: int | None
) -> Iterator[tuple[Complaint, Transition]]:
    """The transaction of one step: lock the complaint, refuse a stale copy, check state,
    permission and guard (WORKFLOW.check), and give the fresh complaint and the transition."""
    with transaction.atomic():
        fresh = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("customer", "owner", "responsible_department")
            .get(pk=complaint.pk)
        )
        if expected_version is not None and expected_version != fresh.version:
            raise StaleRecordError(fresh, expected_version, fresh.version)
        yield fresh, WORKFLOW.check(name, fresh, actor)


def _move(
    complaint: Complaint,
    actor: Any,
    transition: Transition,
    target: str,
    fields: Mapping[str, Any] | None = None,
    *,
    due_at: dt.datetime | bool | None = True,
    note: str = "",
) -> Complaint:
    """Write the new state (+ fields and the new step's deadline) with the audit trail."""
    transition.check_target(target)
    now = _now()
    new_due = step_deadline(target, now) if due_at is True else due_at
    return record_update(
        complaint,
        actor=actor,
        fields={**(fields or {}), "state": target, "due_at": new_due},
        expected_version=complaint.version,
        note=note or str(transition.label),
    )


def _required(**values: Any) -> None:
    missing = {n: _("This field is required.") for n, v in values.items() if not v}
    if missing:
        raise ValidationError(missing)


def _not_in_future(name: str, value: dt.datetime, message: str = "") -> None:
    if value > _now() + dt.timedelta(minutes=5):
        raise ValidationError({name: message or _("This cannot be in the future.")})


def _handling_state(complaint: Complaint) -> str:
    return S.ESCALATED if complaint.escalated else S.SALES_HANDLING


def _handling_due(complaint: Complaint, start: dt.datetime) -> dt.datetime | None:
    return step_deadline(_handling_state(complaint), start)


def complaint_analyse(
    *,
    actor: Any,
    complaint: Complaint,
    nature: str = "",
    analysis: str = "",
    escalate: bool = False,
    severity: str | None = None,
    content_category: str | None = None,
    assignee: User | None = None,
    legal_flag: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """The initial analysis by sales (003 §4.1.3): sales handles the complaint, or escalates
    it to quality (a major quality problem always is)."""
    with _step(actor, complaint, "analyse", expected_version) as (c, t):
        _required(nature=nature, analysis=analysis)
        severity = severity or c.severity
        if severity == Severity.MAJOR and not escalate:
            raise ValidationError(
                {"escalate": _("A major quality problem is escalated to quality (003 §4.1.3).")}
            )
        now = _now()
        fields: dict[str, Any] = {
            "analysis": analysis,
            "nature": nature,
            "severity": severity,
            "content_category": content_category or c.content_category,
            "analysed_at": now,
        }
        if escalate:
            c = _escalate(c, actor, t, fields, assignee, now)
        else:
            if c.owner_id is None and actor is not None:
                fields["owner"] = actor
            c = _move(c, actor, t, S.SALES_HANDLING, fields, due_at=c.remedy_due_at)
        if legal_flag and not c.legal_flag:
            c = _flag_legal(c, actor)
        return c


def _escalate(
    c: Complaint, actor: Any, t: Transition, fields: dict[str, Any], assignee: User | None,
    now: dt.datetime,
) -> Complaint:
    assignee = assignee or quality_owner()
    due = step_deadline(S.ESCALATED, now)
    fields.update(
        escalated=True,
        escalated_at=now,
        owner=assignee,
        responsible_department=Department.objects.filter(code="QA").first()
        or c.responsible_department,
        remedy_due_at=due,
    )
    c = _move(c, actor, t, S.ESCALATED, fields, due_at=due)
    recipients = [assignee, quality_owner()]
    _notify(c, "assigned:escalated", {u for u in recipients if u is not None} - {actor},
            "complaint_assigned", step=workflow.STEP_LABELS[S.ESCALATED])
    return c


def complaint_escalate(
    *,
    actor: Any,
    complaint: Complaint,
    nature: str = "",
    analysis: str = "",
    severity: str | None = None,
    content_category: str | None = None,
    assignee: User | None = None,
    legal_flag: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """The initial analysis that hands the complaint to quality (`complaint_analyse` with
    `escalate=True`)."""
    return complaint_analyse(
        actor=actor, complaint=complaint, nature=nature, analysis=analysis, escalate=True,
        severity=severity, content_category=content_category, assignee=assignee,
        legal_flag=legal_flag, expected_version=expected_version,
    )


def complaint_record_meeting(
    *,
    actor: Any,
    complaint: Complaint,
    held_at: dt.datetime | None = None,
    attendees: str = "",
    decision: str = "",
    departments: Iterable[Department] = (),
    expected_version: int | None = None,
) -> Complaint:
    """The ad-hoc meeting on a major quality problem and its decision (003 §4.1.3)."""
    with _step(actor, complaint, "record_meeting", expected_version) as (c, t):
        _required(held_at=held_at, attendees=attendees, decision=decision)
        assert held_at is not None
        _not_in_future("held_at", held_at, _("The meeting cannot be in the future."))
        c = _move(c, actor, t, S.ESCALATED, {"quality_decision": decision}, due_at=c.due_at)
        record_create(
            ComplaintMeeting,
            actor=actor,
            fields={"complaint": c, "held_at": held_at, "attendees": attendees,
                    "decision": decision},
            m2m={"departments": list(departments or [])},
        )
        return c


def complaint_propose_remedy(
    *,
    actor: Any,
    complaint: Complaint,
    kind: str = "",
    description: str = "",
    amount: Decimal | None = None,
    quality_decision: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A remedy proposal (numbered); money (refund, exchange, compensation) first goes to the
    superior for approval, anything else straight to the customer."""
    with _step(actor, complaint, "propose", expected_version) as (c, t):
        _required(kind=kind, description=description)
        money = kind in MONEY_KINDS
        if money and (amount is None or amount <= 0):
            raise ValidationError(
                {"amount": _("A refund, exchange or compensation needs its amount in CNY.")}
            )
        if not money and amount:
            raise ValidationError(
                {"amount": _("Only a refund, exchange or compensation has an amount.")}
            )
        now = _now()
        number = (c.proposals.aggregate(n=models.Max("number"))["n"] or 0) + 1
        fields: dict[str, Any] = {}
        if c.first_remedy_at is None:
            fields["first_remedy_at"] = now
        if c.escalated and quality_decision:
            fields["quality_decision"] = quality_decision
        roles = workflow.required_approver_roles(amount, c.escalated) if money else ()
        c = _move(c, actor, t, S.AWAITING_APPROVAL if money else S.REMEDY_PROPOSED, fields)
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
            approvers = [u for u in users_with_roles(roles) if u != actor]
            if not approvers:
                approvers = [u for u in users_with_roles(["gm"]) if u != actor]
            _notify(c, f"approval:{proposal.number}", approvers, "complaint_approval",
                    proposal=proposal)
        return c


def _proposal(c: Complaint, status: str) -> RemedyProposal:
    proposal = c.proposals.filter(status=status).order_by("-number").first()
    if proposal is None:  # pragma: no cover - the state says there is one
        raise ValidationError(_("No remedy proposal in this state."))
    return proposal


def complaint_approve_remedy(
    *,
    actor: Any,
    complaint: Complaint,
    note: str | None = "",
    expected_version: int | None = None,
) -> Complaint:
    """The superior approves the money: the proposal goes to the customer."""
    with _step(actor, complaint, "approve", expected_version) as (c, t):
        now = _now()
        proposal = _proposal(c, ProposalStatus.AWAITING_APPROVAL)
        c = _move(c, actor, t, S.REMEDY_PROPOSED)
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
            _notify(c, f"approved:{proposal.number}", [c.owner], "complaint_event",
                    event="approved", n=proposal.number, text=note or "")
        return c


def complaint_refuse_approval(
    *,
    actor: Any,
    complaint: Complaint,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The superior refuses the money: the handler proposes again."""
    with _step(actor, complaint, "refuse_approval", expected_version) as (c, t):
        _required(note=note)
        proposal = _proposal(c, ProposalStatus.AWAITING_APPROVAL)
        now = _now()
        c = _move(c, actor, t, _handling_state(c), due_at=_handling_due(c, now))
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
            _notify(c, f"refused:{proposal.number}", [c.owner], "complaint_event",
                    event="refused", n=proposal.number, text=note)
        return c


def _answer(
    c: Complaint, actor: Any, status: str, note: str | None, answered_at: dt.datetime | None
) -> None:
    proposal = _proposal(c, ProposalStatus.PROPOSED)
    record_update(
        proposal,
        actor=actor,
        fields={"status": status, "answered_at": answered_at or _now(),
                "answer_note": note or ""},
        expected_version=proposal.version,
    )


def complaint_accept_remedy(
    *,
    actor: Any,
    complaint: Complaint,
    note: str | None = "",
    answered_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The customer accepts the proposed remedy."""
    with _step(actor, complaint, "accept", expected_version) as (c, t):
        c = _move(c, actor, t, S.REMEDY_ACCEPTED)
        _answer(c, actor, ProposalStatus.ACCEPTED, note, answered_at)
        return c


def complaint_reject_remedy(
    *,
    actor: Any,
    complaint: Complaint,
    note: str = "",
    answered_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The customer rejects the proposed remedy: the handler proposes again."""
    with _step(actor, complaint, "reject", expected_version) as (c, t):
        _required(note=note)
        c = _move(c, actor, t, _handling_state(c), due_at=_handling_due(c, _now()))
        _answer(c, actor, ProposalStatus.REJECTED, note, answered_at)
        return c


def complaint_carry_out_remedy(
    *,
    actor: Any,
    complaint: Complaint,
    result: str = "",
    carried_out_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The accepted remedy was carried out."""
    with _step(actor, complaint, "carry_out", expected_version) as (c, t):
        _required(result=result)
        done = carried_out_at or _now()
        _not_in_future("carried_out_at", done)
        return _move(c, actor, t, S.REMEDY_DONE, {"result": result, "carried_out_at": done})


def complaint_record_root_cause(
    *,
    actor: Any,
    complaint: Complaint,
    root_cause: str = "",
    capa_required: bool | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The root cause, and whether a corrective / preventive action is needed (then it is
    requested from the CAPA module, see hooks.py)."""
    with _step(actor, complaint, "record_root_cause", expected_version) as (c, t):
        _required(root_cause=root_cause)
        if capa_required is None:
            raise ValidationError({"capa_required": _("Decide whether a CAPA is needed.")})
        c = _move(
            c,
            actor,
            t,
            S.ROOT_CAUSE,
            {"root_cause": root_cause, "root_cause_at": _now(),
             "capa_required": bool(capa_required)},
        )
        if capa_required and not c.capa_object_id:
            record = hooks.capa_requested(c, actor)
            if record is not None:
                c = _link_capa(c, actor, record)
        return c


def complaint_close(
    *,
    actor: Any,
    complaint: Complaint,
    note: str | None = "",
    expected_version: int | None = None,
) -> Complaint:
    """Close the complaint (办结); customer service is asked for the call-back."""
    with _step(actor, complaint, "close", expected_version) as (c, t):
        c = _move(c, actor, t, S.CLOSED, {"closed_at": _now(), "closing_note": note or ""})
        callers = [u for u in users_with_roles(["customer_service"]) if u != actor]
        _notify(c, "callback_due", callers, "complaint_assigned",
                step=workflow.STEP_LABELS[S.CLOSED])
        return c


def complaint_record_callback(
    *,
    actor: Any,
    complaint: Complaint,
    method: str = "",
    satisfaction: str = "",
    note: str | None = "",
    callback_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The call-back to the customer (回访); a dissatisfied customer's opinion becomes a new
    complaint linked to this one (002 (5)②)."""
    with _step(actor, complaint, "callback", expected_version) as (c, t):
        _required(method=method, satisfaction=satisfaction)
        at = callback_at or _now()
        _not_in_future("callback_at", at)
        if c.closed_at is not None and at < c.closed_at:
            raise ValidationError({"callback_at": _("The call-back comes after closing.")})
        dissatisfied = satisfaction == CallbackSatisfaction.DISSATISFIED
        if dissatisfied and not note:
            raise ValidationError(
                {"note": _("Write down what the customer is not satisfied with: it becomes a "
                           "new complaint.")}
            )
        c = _move(
            c,
            actor,
            t,
            S.CALLED_BACK,
            {
                "callback_at": at,
                "callback_method": method,
                "callback_satisfaction": satisfaction,
                "callback_note": note or "",
            },
            due_at=None,
        )
        if dissatisfied:
            _repeat_complaint(c, actor, at, method, note or "")
        return c


def _repeat_complaint(c: Complaint, actor: Any, at: dt.datetime, method: str, note: str) -> None:
    """002 (5)②: the customer's opinion becomes a new complaint case, linked to this one."""
    _create(
        actor=actor,
        data={
            "customer": c.customer,
            "contact": c.contact,
            "contact_name": c.contact_name,
            "contact_phone": c.contact_phone,
            "contact_email": "",  # the customer was just spoken to: no e-mail receipt
            "contact_language": c.contact_language,
            "channel": Channel.PHONE if method == "phone" else Channel.FACE_TO_FACE,
            "received_at": at,
            "product": c.product,
            "product_model": c.product_model,
            "batch_number": c.batch_number,
            "purchase_date": c.purchase_date,
            "purchase_place": c.purchase_place,
            "description": note,
            "customer_demand": "",
            "content_category": c.content_category,
            "severity": c.severity,
            "owner": c.owner if not c.escalated else None,
        },
        parent=c,
        acknowledged=(at, "phone" if method == "phone" else "in_person"),
    )


def complaint_cancel(
    *,
    actor: Any,
    complaint: Complaint,
    reason: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Cancel a complaint entered by mistake, before any remedy was proposed."""
    with _step(actor, complaint, "cancel", expected_version) as (c, t):
        _required(reason=reason)
        if c.proposals.exists():
            raise workflow.TransitionBlocked(
                _("A remedy was already proposed: the complaint has to be handled to the end."),
                code="blocked",
            )
        return _move(c, actor, t, S.CANCELLED, {"cancel_reason": reason}, due_at=None)


# The named service of each transition: the page and the API take a step by its name.
TRANSITION_SERVICES: dict[str, Callable[..., Complaint]] = {
    "analyse": complaint_analyse,
    "record_meeting": complaint_record_meeting,
    "propose": complaint_propose_remedy,
    "approve": complaint_approve_remedy,
    "refuse_approval": complaint_refuse_approval,
    "accept": complaint_accept_remedy,
    "reject": complaint_reject_remedy,
    "carry_out": complaint_carry_out_remedy,
    "record_root_cause": complaint_record_root_cause,
    "close": complaint_close,
    "callback": complaint_record_callback,
    "cancel": complaint_cancel,
}
assert set(TRANSITION_SERVICES) == set(WORKFLOW.by_name), "every transition needs a service"


def complaint_transition(
    *,
    actor: Any,
    complaint: Complaint,
    name: str,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Take the step `name` with the cleaned data of its form (the detail page and the API):
    calls its named service with the arguments that service takes."""
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        WORKFLOW.transition(name)  # raises the "unknown step" error
        raise AssertionError(name)  # pragma: no cover - the table covers every transition
    params = inspect.signature(service).parameters
    kwargs = {
        k: v for k, v in (data or {}).items()
        if k in params and k not in {"actor", "complaint", "expected_version"}
    }
    return service(actor=actor, complaint=complaint, expected_version=expected_version, **kwargs)


# --- side actions -----------------------------------------------------------------------------


def complaint_acknowledge(*, actor: Any, complaint: Complaint, method: str) -> Complaint:
    """Record that the customer was told we received the complaint (phone, in person…)."""
    WORKFLOW.check_work("acknowledge", complaint, actor)  # not acknowledged yet
    if method not in {"phone", "in_person", "letter", "email"}:
        raise ValidationError({"method": _("Choose how the customer was told.")})
    return record_update(
        complaint,
        actor=actor,
        fields={"acknowledged_at": _now(), "acknowledged_by": method},
        expected_version=None,
    )


def _flag_legal(complaint: Complaint, actor: Any) -> Complaint:
    complaint = record_update(
        complaint,
        actor=actor,
        fields={"legal_flag": True, "legal_flagged_at": _now()},
        expected_version=None,
        note=_("sent to legal"),
    )
    _notify(complaint, "legal", legal_users(), "complaint_legal")
    return complaint


def complaint_flag_legal(*, actor: Any, complaint: Complaint) -> Complaint:
    """002: 涉及法律诉讼的要及时与公司法务人员沟通 — route the complaint to legal."""
    WORKFLOW.check_work("flag_legal", complaint, actor, state=False, guard=False)  # who first
    WORKFLOW.check_work("flag_legal", complaint, actor)  # not finished, not with legal yet
    with transaction.atomic():
        return _flag_legal(complaint, actor)


def complaint_legal_opinion(*, actor: Any, complaint: Complaint, opinion: str) -> Complaint:
    WORKFLOW.check_work("legal_opinion", complaint, actor)
    if not opinion.strip():
        raise ValidationError({"opinion": _("This field is required.")})
    with transaction.atomic():
        complaint = record_update(
            complaint,
            actor=actor,
            fields={"legal_opinion": opinion.strip(), "legal_opinion_at": _now()},
            expected_version=None,
        )
        if complaint.owner is not None and complaint.owner != actor:
            _notify(complaint, f"legal_opinion:{complaint.version}", [complaint.owner],
                    "complaint_event", event="legal_opinion", text=complaint.legal_opinion)
    return complaint


def reassign_candidates(complaint: Complaint) -> list[Any]:
    """Who may take the complaint over: active people allowed to handle it (sales, or quality
    once it is escalated) within their scope."""
    action = "complaint.quality" if complaint.escalated else "complaint.handle"
    return users_who_can(action, complaint)


def complaint_reassign(
    *, actor: Any, complaint: Complaint, owner: Any, note: str,
    expected_version: int | None = None,
) -> Complaint:
    """Hand the complaint to another person (holiday, wrong office, workload): the step and its
    deadline stay; the new owner is told, the reason is in the audit trail, and the overdue
    reminders go to the new owner from now on."""
    WORKFLOW.check_work("reassign", complaint, actor, state=False)  # who first
    WORKFLOW.check_work("reassign", complaint, actor)  # not finished
    if not note.strip():
        raise ValidationError({"note": _("Say why the complaint changes hands.")})
    if owner is None:
        raise ValidationError({"owner": _("Choose who takes the complaint over.")})
    if owner.pk == complaint.owner_id:
        raise ValidationError({"owner": _("Choose someone other than the present owner.")})
    if owner.pk not in {u.pk for u in reassign_candidates(complaint)}:
        raise ValidationError({"owner": _(
            "%(user)s may not handle this complaint.") % {"user": owner}})
    with transaction.atomic():
        complaint = record_update(
            complaint, actor=actor, fields={"owner": owner},
            expected_version=expected_version, note=note.strip()[:300],
        )
        _notify(complaint, f"assigned:v{complaint.version}", [owner], "complaint_assigned",
                step=workflow.STEP_LABELS.get(complaint.state, ""),
                handover={"by": actor, "note": note.strip()})
    return complaint


def complaint_attach(
    *, actor: Any, complaint: Complaint, upload: Any, note: str = ""
) -> Attachment:
    WORKFLOW.check_work("attach", complaint, actor)
    return attachment_add(actor=actor, obj=complaint, upload=upload, note=note)


def _link_capa(complaint: Complaint, actor: Any, record: models.Model) -> Complaint:
    return record_update(
        complaint,
        actor=actor,
        fields={
            "capa_content_type": ContentType.objects.get_for_model(record),
            "capa_object_id": str(record.pk),
            "capa_reference": str(record)[:60],
        },
        expected_version=None,
        note=_("linked to a corrective / preventive action"),
    )


def complaint_link_capa(*, actor: Any, complaint: Complaint, record: models.Model) -> Complaint:
    """Link an existing CAPA record (for the CAPA module, see hooks.py)."""
    WORKFLOW.check_work("accountability", complaint, actor)
    if not complaint.capa_required:
        raise ValidationError(_("No corrective / preventive action was asked for."))
    with transaction.atomic():
        return _link_capa(complaint, actor, record)


def accountability_create(
    *, actor: Any, complaint: Complaint, data: Mapping[str, Any]
) -> Accountability:
    """责任追究 (002 §6): the failure, who is responsible, the measure, the deadline."""
    WORKFLOW.check_work("accountability", complaint, actor)
    _required(**{n: data.get(n) for n in ("failure_type", "responsible_department", "measure",
                                          "rectification", "rectification_deadline")})
    if data.get("performance_deduction") and data["measure"] != "performance":
        raise ValidationError(
            {"performance_deduction": _("Only a performance deduction has an amount.")}
        )
    fields = {
        k: data.get(k)
        for k in (
            "failure_type",
            "responsible_department",
            "responsible_person",
            "measure",
            "performance_deduction",
            "instruction",
            "rectification",
            "rectification_deadline",
        )
    }
    fields["instruction"] = fields["instruction"] or ""
    with transaction.atomic():
        record = record_create(
            Accountability, actor=actor, fields={"complaint": complaint, **fields}
        )
        person = fields.get("responsible_person")
        dept = fields["responsible_department"]
        recipients = [person] if person else [getattr(dept, "manager", None)]
        _notify(complaint, f"accountability:{record.pk}", recipients, "complaint_event",
                event="accountability", deadline=fields["rectification_deadline"],
                text=fields["rectification"])
    return record


def accountability_rectified(
    *, actor: Any, record: Accountability, rectified_on: dt.date
) -> Accountability:
    WORKFLOW.check_work("accountability", record.complaint, actor)
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": _("This cannot be in the future.")})
    return record_update(
        record, actor=actor, fields={"rectified_on": rectified_on}, expected_version=None
    )


# --- the scheduler's sweeps ---------------------------------------------------------------


def abnormal_trend_check(now: dt.datetime | None = None) -> int:
    """003 §4.1.7: when last month's complaints show an abnormal trend, ask the sales and
    quality managers (and the management representative) for a rectification plan — once per
    month (notify key)."""
    from .summary import complaint_summary

    today = timezone.localdate(now or _now(), local_tz())
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    summary = complaint_summary(
        Complaint.objects.filter(archived_at__isnull=True), year=year, with_rows=False
    )
    row = summary.months[month - 1]
    if not row.abnormal:
        return 0
    url = reverse("complaints:summary") + f"?year={year}&month={month}"
    sent = notify_users(
        key=f"complaints:abnormal:{year}-{month:02d}",
        users=users_with_roles(["sales_manager", "quality_manager", "management_rep"]),
        template="complaint_abnormal",
        context={"row": row, "url": url},
        url=url,
    )
    return len(sent)



def sweep_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """Tell the owner of every overdue step, and after the configured delay the owner's
    manager — each exactly once per step (the notify keys hold the step and its deadline, so
    running the sweep again sends nothing; a new step with a new deadline is a new reminder)."""
    now = now or _now()
    delay = manager_escalation_workdays()
    sent = {"overdue": 0, "escalated": 0}
    overdue = (
        Complaint.objects.filter(
            state__in=workflow.TIMED_STATES, due_at__lt=now, archived_at__isnull=True
        )
        .select_related("customer", "owner__department__manager",
                        "responsible_department__manager")
        .order_by("due_at", "id")
    )
    for complaint in overdue.iterator(chunk_size=500):
        assert complaint.due_at is not None
        step = f"{complaint.state}:{int(complaint.due_at.timestamp())}"
        owners = step_owners(complaint)
        label = workflow.STEP_LABELS.get(complaint.state, "")
        sent["overdue"] += _notify(complaint, f"overdue:{step}", owners, "complaint_overdue",
                                   step=label, due=complaint.due_at)
        if now >= manager_escalation_at(complaint.due_at, delay):
            owner_ids = {u.pk for u in owners}
            managers = {m for m in (manager_of(u) for u in owners) if m is not None}
            managers = {m for m in managers if m.pk not in owner_ids}
            sent["escalated"] += _notify(
                complaint, f"escalated:{step}", sorted(managers, key=lambda u: u.pk),
                "complaint_escalation", step=label, due=complaint.due_at, owners=owners,
            )
    return sent
