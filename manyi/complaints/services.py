"""Every write of complaint handling: permission → workflow check → validation → save → audit
→ notifications. Each service runs in one transaction (nothing is half-saved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.models import Department, User
from manyi.accounts.permissions import can, require, users_who_can
from manyi.common.attachments import attachment_add
from manyi.common.calendar import local_tz
from manyi.common.models import Attachment
from manyi.common.notify import email_address, notify_users
from manyi.common.services import StaleRecordError, record_create, record_update

from . import hooks, workflow
from .config import complaint_config
from .deadlines import manager_escalation_at, remedy_deadline, step_deadline
from .models import (
    MONEY_KINDS,
    Accountability,
    CallbackSatisfaction,
    Channel,
    Complaint,
    ComplaintMeeting,
    ComplaintSequence,
    ComplaintState,
    ProposalStatus,
    RemedyProposal,
    Severity,
)

S = ComplaintState
Tr = workflow.Transition
Data = dict[str, Any]

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


# --- numbering ------------------------------------------------------------------------------


def number_for(year: int, sequence: int) -> str:
    return f"TS-{year}-{sequence:05d}"


def next_number(year: int) -> tuple[int, str]:
    """The next number of `year`, gap-free: call inside the transaction that saves the
    complaint. The counter row is raised with one UPDATE (a row lock on PostgreSQL; SQLite
    runs write transactions one at a time), so two concurrent intakes never share a number and
    a rolled-back intake gives its number back."""
    if not transaction.get_connection().in_atomic_block:  # pragma: no cover - misuse
        raise RuntimeError("next_number must run inside a transaction")
    ComplaintSequence.objects.get_or_create(year=year)
    ComplaintSequence.objects.filter(year=year).update(last=F("last") + 1)
    sequence = ComplaintSequence.objects.values_list("last", flat=True).get(year=year)
    return sequence, number_for(year, sequence)


# --- people -----------------------------------------------------------------------------------


def _active_users(qs: models.QuerySet[Any]) -> list[Any]:
    return list(qs.filter(is_active=True).distinct().order_by("id"))


def users_with_roles(roles: Iterable[str]) -> list[Any]:
    return _active_users(User.objects.filter(roles__code__in=list(roles)))


def manager_of(user: Any) -> Any:
    """The owner's manager: the manager of the user's department, else of the nearest parent
    department that has one (never the user themself)."""
    dept = getattr(user, "department", None)
    seen: set[int] = set()
    while dept is not None and dept.pk not in seen:
        seen.add(dept.pk)
        manager = dept.manager
        if manager is not None and manager.pk != user.pk and manager.is_active:
            return manager
        dept = dept.parent
    return None


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
        sequence, number = next_number(year)
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
    """A low score in a satisfaction survey opens a complaint (004 §6.3.2; called by
    manyi.surveys.complaints_hook). The respondent is the contact; the category is corrected at
    the initial analysis."""
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
    workflow.check_side(complaint, "edit", actor)
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


# --- transitions ------------------------------------------------------------------------------


def complaint_transition(
    *,
    actor: Any,
    complaint: Complaint,
    name: str,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Run one workflow transition (see workflow.TRANSITIONS) with its data."""
    data = dict(data or {})
    with transaction.atomic():
        fresh = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("customer", "owner", "responsible_department")
            .get(pk=complaint.pk)
        )
        if expected_version is not None and expected_version != fresh.version:
            raise StaleRecordError(fresh, expected_version, fresh.version)
        transition = workflow.check(fresh, name, actor)
        handler = _HANDLERS[name]
        return handler(fresh, actor, transition, data)


def _move(
    complaint: Complaint,
    actor: Any,
    transition: workflow.Transition,
    target: str,
    fields: Mapping[str, Any] | None = None,
    *,
    due_at: dt.datetime | bool | None = True,
    note: str = "",
) -> Complaint:
    """Write the new state (+ fields and the new step's deadline) with the audit trail."""
    workflow.check_target(complaint, transition, target)
    now = _now()
    new_due = step_deadline(target, now) if due_at is True else due_at
    return record_update(
        complaint,
        actor=actor,
        fields={**(fields or {}), "state": target, "due_at": new_due},
        expected_version=complaint.version,
        note=note or str(transition.label),
    )


def _required(data: Mapping[str, Any], *names: str) -> None:
    missing = {n: _("This field is required.") for n in names if not data.get(n)}
    if missing:
        raise ValidationError(missing)


def _handling_state(complaint: Complaint) -> str:
    return S.ESCALATED if complaint.escalated else S.SALES_HANDLING


def _handling_due(complaint: Complaint, start: dt.datetime) -> dt.datetime | None:
    return step_deadline(_handling_state(complaint), start)


def _do_analyse(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    _required(data, "nature", "analysis")
    escalate = bool(data.get("escalate"))
    severity = data.get("severity") or c.severity
    if severity == Severity.MAJOR and not escalate:
        raise ValidationError(
            {"escalate": _("A major quality problem is escalated to quality (003 §4.1.3).")}
        )
    now = _now()
    fields: dict[str, Any] = {
        "analysis": data["analysis"],
        "nature": data["nature"],
        "severity": severity,
        "content_category": data.get("content_category") or c.content_category,
        "analysed_at": now,
    }
    if escalate:
        assignee = data.get("assignee") or quality_owner()
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
    else:
        if c.owner_id is None and actor is not None:
            fields["owner"] = actor
        c = _move(c, actor, t, S.SALES_HANDLING, fields, due_at=c.remedy_due_at)
    if data.get("legal_flag") and not c.legal_flag:
        c = _flag_legal(c, actor)
    return c


def _do_record_meeting(
    c: Complaint, actor: Any, t: Tr, data: Data
) -> Complaint:
    _required(data, "held_at", "attendees", "decision")
    if data["held_at"] > _now() + dt.timedelta(minutes=5):
        raise ValidationError({"held_at": _("The meeting cannot be in the future.")})
    c = _move(c, actor, t, S.ESCALATED, {"quality_decision": data["decision"]}, due_at=c.due_at)
    record_create(
        ComplaintMeeting,
        actor=actor,
        fields={
            "complaint": c,
            "held_at": data["held_at"],
            "attendees": data["attendees"],
            "decision": data["decision"],
        },
        m2m={"departments": list(data.get("departments") or [])},
    )
    return c


def _do_propose(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    _required(data, "kind", "description")
    kind = data["kind"]
    amount: Decimal | None = data.get("amount")
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
    if c.escalated and data.get("quality_decision"):
        fields["quality_decision"] = data["quality_decision"]
    roles = workflow.required_approver_roles(amount, c.escalated) if money else ()
    target = S.AWAITING_APPROVAL if money else S.REMEDY_PROPOSED
    c = _move(c, actor, t, target, fields)
    proposal = record_create(
        RemedyProposal,
        actor=actor,
        fields={
            "complaint": c,
            "number": number,
            "kind": kind,
            "description": data["description"],
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


def _do_approve(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
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
            "approval_note": data.get("note") or "",
            "proposed_at": now,
        },
        expected_version=proposal.version,
    )
    if c.owner is not None and c.owner != actor:
        _notify(c, f"approved:{proposal.number}", [c.owner], "complaint_event",
                event="approved", n=proposal.number, text=data.get("note") or "")
    return c


def _do_refuse_approval(
    c: Complaint, actor: Any, t: Tr, data: Data
) -> Complaint:
    _required(data, "note")
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
            "approval_note": data["note"],
        },
        expected_version=proposal.version,
    )
    if c.owner is not None and c.owner != actor:
        _notify(c, f"refused:{proposal.number}", [c.owner], "complaint_event",
                event="refused", n=proposal.number, text=data["note"])
    return c


def _answer(c: Complaint, actor: Any, status: str, data: dict[str, Any]) -> None:
    proposal = _proposal(c, ProposalStatus.PROPOSED)
    record_update(
        proposal,
        actor=actor,
        fields={
            "status": status,
            "answered_at": data.get("answered_at") or _now(),
            "answer_note": data.get("note") or "",
        },
        expected_version=proposal.version,
    )


def _do_accept(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    c = _move(c, actor, t, S.REMEDY_ACCEPTED)
    _answer(c, actor, ProposalStatus.ACCEPTED, data)
    return c


def _do_reject(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    _required(data, "note")
    c = _move(c, actor, t, _handling_state(c), due_at=_handling_due(c, _now()))
    _answer(c, actor, ProposalStatus.REJECTED, data)
    return c


def _do_carry_out(
    c: Complaint, actor: Any, t: Tr, data: Data
) -> Complaint:
    _required(data, "result")
    done = data.get("carried_out_at") or _now()
    if done > _now() + dt.timedelta(minutes=5):
        raise ValidationError({"carried_out_at": _("This cannot be in the future.")})
    return _move(c, actor, t, S.REMEDY_DONE, {"result": data["result"], "carried_out_at": done})


def _do_record_root_cause(
    c: Complaint, actor: Any, t: Tr, data: Data
) -> Complaint:
    _required(data, "root_cause")
    if data.get("capa_required") is None:
        raise ValidationError({"capa_required": _("Decide whether a CAPA is needed.")})
    capa_required = bool(data["capa_required"])
    c = _move(
        c,
        actor,
        t,
        S.ROOT_CAUSE,
        {"root_cause": data["root_cause"], "root_cause_at": _now(), "capa_required": capa_required},
    )
    if capa_required and not c.capa_object_id:
        record = hooks.capa_requested(c, actor)
        if record is not None:
            c = _link_capa(c, actor, record)
    return c


def _do_close(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    now = _now()
    c = _move(c, actor, t, S.CLOSED, {"closed_at": now, "closing_note": data.get("note") or ""})
    callers = [u for u in users_with_roles(["customer_service"]) if u != actor]
    _notify(c, "callback_due", callers, "complaint_assigned", step=workflow.STEP_LABELS[S.CLOSED])
    return c


def _do_callback(
    c: Complaint, actor: Any, t: Tr, data: Data
) -> Complaint:
    _required(data, "method", "satisfaction")
    at = data.get("callback_at") or _now()
    if at > _now() + dt.timedelta(minutes=5):
        raise ValidationError({"callback_at": _("This cannot be in the future.")})
    if c.closed_at is not None and at < c.closed_at:
        raise ValidationError({"callback_at": _("The call-back comes after closing.")})
    dissatisfied = data["satisfaction"] == CallbackSatisfaction.DISSATISFIED
    if dissatisfied and not data.get("note"):
        raise ValidationError(
            {"note": _("Write down what the customer is not satisfied with: it becomes a new "
                       "complaint.")}
        )
    c = _move(
        c,
        actor,
        t,
        S.CALLED_BACK,
        {
            "callback_at": at,
            "callback_method": data["method"],
            "callback_satisfaction": data["satisfaction"],
            "callback_note": data.get("note") or "",
        },
        due_at=None,
    )
    if dissatisfied:
        # 002 (5)②: the customer's opinion becomes a new complaint case, linked to this one.
        _create(
            actor=actor,
            data={
                "customer": c.customer,
                "contact": c.contact,
                "contact_name": c.contact_name,
                "contact_phone": c.contact_phone,
                "contact_email": "",  # the customer was just spoken to: no e-mail receipt
                "contact_language": c.contact_language,
                "channel": Channel.PHONE if data["method"] == "phone" else Channel.FACE_TO_FACE,
                "received_at": at,
                "product": c.product,
                "product_model": c.product_model,
                "batch_number": c.batch_number,
                "purchase_date": c.purchase_date,
                "purchase_place": c.purchase_place,
                "description": data["note"],
                "customer_demand": "",
                "content_category": c.content_category,
                "severity": c.severity,
                "owner": c.owner if not c.escalated else None,
            },
            parent=c,
            acknowledged=(at, "phone" if data["method"] == "phone" else "in_person"),
        )
    return c


def _do_cancel(c: Complaint, actor: Any, t: Tr, data: Data) -> Complaint:
    _required(data, "reason")
    if c.proposals.exists():
        raise workflow.TransitionBlocked(
            _("A remedy was already proposed: the complaint has to be handled to the end."),
            code="blocked",
        )
    return _move(c, actor, t, S.CANCELLED, {"cancel_reason": data["reason"]}, due_at=None)


_HANDLERS = {
    "analyse": _do_analyse,
    "record_meeting": _do_record_meeting,
    "propose": _do_propose,
    "approve": _do_approve,
    "refuse_approval": _do_refuse_approval,
    "accept": _do_accept,
    "reject": _do_reject,
    "carry_out": _do_carry_out,
    "record_root_cause": _do_record_root_cause,
    "close": _do_close,
    "callback": _do_callback,
    "cancel": _do_cancel,
}
assert set(_HANDLERS) == set(workflow.TRANSITIONS), "every transition needs a handler"


# --- side actions -----------------------------------------------------------------------------


def complaint_acknowledge(*, actor: Any, complaint: Complaint, method: str) -> Complaint:
    """Record that the customer was told we received the complaint (phone, in person…)."""
    workflow.check_side(complaint, "acknowledge", actor)
    if complaint.acknowledged_at is not None:
        raise ValidationError(_("The complaint was already acknowledged."))
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
    workflow.check_side(complaint, "flag_legal", actor)
    if complaint.legal_flag:
        raise ValidationError(_("The complaint is already with legal."))
    if complaint.state in workflow.FINAL_STATES:
        raise ValidationError(_("The complaint is finished."))
    with transaction.atomic():
        return _flag_legal(complaint, actor)


def complaint_legal_opinion(*, actor: Any, complaint: Complaint, opinion: str) -> Complaint:
    workflow.check_side(complaint, "legal_opinion", actor)
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
    workflow.check_side(complaint, "reassign", actor)
    if complaint.state in workflow.FINAL_STATES:
        raise ValidationError(_("The complaint is finished."))
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
    workflow.check_side(complaint, "attach", actor)
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
    workflow.check_side(complaint, "accountability", actor)
    if not complaint.capa_required:
        raise ValidationError(_("No corrective / preventive action was asked for."))
    with transaction.atomic():
        return _link_capa(complaint, actor, record)


def accountability_create(
    *, actor: Any, complaint: Complaint, data: Mapping[str, Any]
) -> Accountability:
    """责任追究 (002 §6): the failure, who is responsible, the measure, the deadline."""
    workflow.check_side(complaint, "accountability", actor)
    _required(data, "failure_type", "responsible_department", "measure", "rectification",
              "rectification_deadline")
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
    workflow.check_side(record.complaint, "accountability", actor)
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
    config = complaint_config()
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
        if now >= manager_escalation_at(complaint.due_at, config):
            owner_ids = {u.pk for u in owners}
            managers = {m for m in (manager_of(u) for u in owners) if m is not None}
            managers = {m for m in managers if m.pk not in owner_ids}
            sent["escalated"] += _notify(
                complaint, f"escalated:{step}", sorted(managers, key=lambda u: u.pk),
                "complaint_escalation", step=label, due=complaint.due_at, owners=owners,
            )
    return sent
