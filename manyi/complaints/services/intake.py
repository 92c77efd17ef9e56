"""Recording a complaint: by hand, from a low survey score, from a dissatisfied call-back; and
correcting the intake while the complaint is open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import can, require
from manyi.accounts.types import Actor, stored_user
from manyi.common import numbering
from manyi.common.calendar import local_tz
from manyi.common.notify import email_address
from manyi.common.services import record_create, record_update

from .. import workflow
from ..deadlines import remedy_deadline, step_deadline
from ..models import Channel, Complaint, ComplaintState
from ..workflow import WORKFLOW
from . import clock
from .actions import flag_legal
from .people import notify, sales_owner_for

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



def validate_intake(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    customer = data.get("customer")
    contact = data.get("contact")
    if customer is None:
        errors["customer"] = _("This field is required.")
    elif contact is not None and contact.customer_id != customer.pk:
        errors["contact"] = _("This contact belongs to another customer.")
    received = data.get("received_at")
    if received is not None and received > clock.now() + dt.timedelta(minutes=5):
        errors["received_at"] = _("The complaint cannot be received in the future.")
    purchase = data.get("purchase_date")
    if purchase is not None and received is not None and purchase > timezone.localdate(
        received, local_tz()
    ):
        errors["purchase_date"] = _("The purchase date is after the complaint was received.")
    if errors:
        raise ValidationError(errors)


def complaint_create(
    *, actor: Actor, data: Mapping[str, Any], parent: Complaint | None = None
) -> Complaint:
    """Record a complaint (质量信息反馈单) and acknowledge it to the customer."""
    customer = data.get("customer")
    if customer is not None:
        require(actor, "complaint.add", customer)
    else:
        require(actor, "complaint.add")
    return create_unchecked(actor=actor, data=data, parent=parent)


def _intake_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The intake fields of `data`, the time of receipt defaulting to now and the contact's
    name, phone and e-mail filling the blanks."""
    fields = {k: v for k, v in data.items() if k in INTAKE_FIELDS}
    fields.setdefault("received_at", clock.now())
    contact = fields.get("contact")
    if contact is not None:
        fields["contact_name"] = fields.get("contact_name") or contact.name
        fields["contact_phone"] = fields.get("contact_phone") or contact.phone
        fields["contact_email"] = fields.get("contact_email") or contact.email
        fields["contact_language"] = contact.language
    return fields


def _email_receipt(complaint: Complaint, fields: Mapping[str, Any], email: str) -> None:
    """The acknowledgement e-mailed to the customer (in the contact's language)."""
    email_address(
        key=f"complaint:{complaint.pk}:ack",
        to=email,
        language=fields.get("contact_language") or "zh-hans",
        template="complaint_ack",
        context={"complaint": complaint, "name": fields.get("contact_name") or ""},
    )


def create_unchecked(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    parent: Complaint | None,
    acknowledged: tuple[dt.datetime, str] | None = None,
) -> Complaint:
    validate_intake(data)
    fields = _intake_fields(data)
    customer = fields["customer"]
    owner = data.get("owner")
    if owner is None:
        owner = stored_user(actor) if can(actor, "complaint.handle", customer) else None
        owner = owner or sales_owner_for(customer)
    received: dt.datetime = fields["received_at"]
    email = fields.get("contact_email") or ""
    if acknowledged is None and email:
        acknowledged = (clock.now(), "email")
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
                "acknowledged_at": acknowledged[0] if acknowledged else None,
                "acknowledged_by": acknowledged[1] if acknowledged else "",
            },
        )
        if email:
            _email_receipt(complaint, fields, email)
        if owner is not None and owner != actor:
            notify(complaint, "assigned:received", [owner], "complaint_assigned",
                    step=workflow.STEP_LABELS[S.RECEIVED])
        if data.get("legal_flag"):
            flag_legal(complaint, actor)
            complaint.refresh_from_db()
    return complaint


def complaint_create_from_survey(*, actor: Actor, response: Any, answer: Any) -> Complaint:
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
    return create_unchecked(
        actor=actor,
        data={
            "customer": response.customer,
            "contact_name": getattr(response, "respondent", "") or _("survey respondent"),
            "contact_language": "en" if str(getattr(response, "language", "")).startswith("en")
            else "zh-hans",
            "channel": Channel.MARKET_RESEARCH,
            "received_at": clock.now(),
            "description": "\n".join(parts),
            "content_category": "product_quality",
        },
        parent=None,
    )


def complaint_update(
    *, actor: Actor, complaint: Complaint, data: Mapping[str, Any], expected_version: int | None
) -> Complaint:
    """Correct the intake (what the customer said, product, classification) while open."""
    WORKFLOW.check_work("edit", complaint, actor, state=False)
    if not complaint.is_open:
        raise workflow.TransitionBlocked(
            _("A closed complaint cannot be changed."), code="blocked"
        )
    fields = {k: v for k, v in data.items() if k in INTAKE_FIELDS and k != "customer"}
    validate_intake({**fields, "customer": complaint.customer,
                      "received_at": fields.get("received_at", complaint.received_at)})
    if "received_at" in fields and fields["received_at"] != complaint.received_at:
        raise ValidationError({"received_at": _("The time of receipt cannot be changed.")})
    return record_update(complaint, actor=actor, fields=fields, expected_version=expected_version)


