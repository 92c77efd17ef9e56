"""One named service per step of workflow.WORKFLOW (the public API of the complaint workflow)
and the dispatch by name the page and the API use. The remedy steps are in remedy.py."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from manyi.accounts.models import Department, User
from manyi.accounts.types import Actor
from manyi.common.services import record_create
from manyi.common.workflow import Transition

from .. import hooks, workflow
from ..deadlines import step_deadline
from ..models import (
    CallbackSatisfaction,
    Channel,
    Complaint,
    ComplaintMeeting,
    ComplaintState,
    Severity,
)
from ..workflow import WORKFLOW
from . import clock
from .actions import flag_legal, link_capa
from .intake import create_unchecked
from .people import notify, quality_owner, users_with_roles
from .remedy import (
    complaint_accept_remedy,
    complaint_approve_remedy,
    complaint_carry_out_remedy,
    complaint_propose_remedy,
    complaint_refuse_approval,
    complaint_reject_remedy,
)
from .steps import locked_step, move, not_in_future, require_fields

S = ComplaintState


def complaint_analyse(
    *,
    actor: Actor,
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
    with locked_step(actor, complaint, "analyse", expected_version) as (c, t):
        require_fields(nature=nature, analysis=analysis)
        severity = severity or c.severity
        if severity == Severity.MAJOR and not escalate:
            raise ValidationError(
                {"escalate": _("A major quality problem is escalated to quality (003 §4.1.3).")}
            )
        now = clock.now()
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
            c = move(c, actor, t, S.SALES_HANDLING, fields, due_at=c.remedy_due_at)
        if legal_flag and not c.legal_flag:
            c = flag_legal(c, actor)
        return c


def _escalate(
    c: Complaint, actor: Actor, t: Transition, fields: dict[str, Any], assignee: User | None,
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
    c = move(c, actor, t, S.ESCALATED, fields, due_at=due)
    recipients = [assignee, quality_owner()]
    notify(c, "assigned:escalated", {u for u in recipients if u is not None} - {actor},
            "complaint_assigned", step=workflow.STEP_LABELS[S.ESCALATED])
    return c


def complaint_escalate(
    *,
    actor: Actor,
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
    actor: Actor,
    complaint: Complaint,
    held_at: dt.datetime | None = None,
    attendees: str = "",
    decision: str = "",
    departments: Iterable[Department] = (),
    expected_version: int | None = None,
) -> Complaint:
    """The ad-hoc meeting on a major quality problem and its decision (003 §4.1.3)."""
    with locked_step(actor, complaint, "record_meeting", expected_version) as (c, t):
        require_fields(held_at=held_at, attendees=attendees, decision=decision)
        assert held_at is not None
        not_in_future("held_at", held_at, _("The meeting cannot be in the future."))
        c = move(c, actor, t, S.ESCALATED, {"quality_decision": decision}, due_at=c.due_at)
        record_create(
            ComplaintMeeting,
            actor=actor,
            fields={"complaint": c, "held_at": held_at, "attendees": attendees,
                    "decision": decision},
            m2m={"departments": list(departments or [])},
        )
        return c


def complaint_record_root_cause(
    *,
    actor: Actor,
    complaint: Complaint,
    root_cause: str = "",
    capa_required: bool | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The root cause, and whether a corrective / preventive action is needed (then it is
    requested from the CAPA module, see hooks.py)."""
    with locked_step(actor, complaint, "record_root_cause", expected_version) as (c, t):
        require_fields(root_cause=root_cause)
        if capa_required is None:
            raise ValidationError({"capa_required": _("Decide whether a CAPA is needed.")})
        c = move(
            c,
            actor,
            t,
            S.ROOT_CAUSE,
            {"root_cause": root_cause, "root_cause_at": clock.now(),
             "capa_required": bool(capa_required)},
        )
        if capa_required and not c.capa_object_id:
            record = hooks.capa_requested(c, actor)
            if record is not None:
                c = link_capa(c, actor, record)
        return c


def complaint_close(
    *,
    actor: Actor,
    complaint: Complaint,
    note: str | None = "",
    expected_version: int | None = None,
) -> Complaint:
    """Close the complaint (办结); customer service is asked for the call-back."""
    with locked_step(actor, complaint, "close", expected_version) as (c, t):
        c = move(c, actor, t, S.CLOSED, {"closed_at": clock.now(), "closing_note": note or ""})
        callers = [u for u in users_with_roles(["customer_service"]) if u != actor]
        notify(c, "callback_due", callers, "complaint_assigned",
                step=workflow.STEP_LABELS[S.CLOSED])
        return c


def complaint_record_callback(
    *,
    actor: Actor,
    complaint: Complaint,
    method: str = "",
    satisfaction: str = "",
    note: str | None = "",
    callback_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The call-back to the customer (回访); a dissatisfied customer's opinion becomes a new
    complaint linked to this one (002 (5)②)."""
    with locked_step(actor, complaint, "callback", expected_version) as (c, t):
        require_fields(method=method, satisfaction=satisfaction)
        at = callback_at or clock.now()
        not_in_future("callback_at", at)
        if c.closed_at is not None and at < c.closed_at:
            raise ValidationError({"callback_at": _("The call-back comes after closing.")})
        dissatisfied = satisfaction == CallbackSatisfaction.DISSATISFIED
        if dissatisfied and not note:
            raise ValidationError(
                {"note": _("Write down what the customer is not satisfied with: it becomes a "
                           "new complaint.")}
            )
        c = move(
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


def _repeat_complaint(c: Complaint, actor: Actor, at: dt.datetime, method: str, note: str) -> None:
    """002 (5)②: the customer's opinion becomes a new complaint case, linked to this one."""
    create_unchecked(
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
    actor: Actor,
    complaint: Complaint,
    reason: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Cancel a complaint entered by mistake, before any remedy was proposed."""
    with locked_step(actor, complaint, "cancel", expected_version) as (c, t):
        require_fields(reason=reason)
        if c.proposals.exists():
            raise workflow.TransitionBlocked(
                _("A remedy was already proposed: the complaint has to be handled to the end."),
                code="blocked",
            )
        return move(c, actor, t, S.CANCELLED, {"cancel_reason": reason}, due_at=None)


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
    actor: Actor,
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


