"""Every write to the customer-property records (003 §4.4): permission → rule → record.

Receiving an item opens its ledger entry and hands it to the department that works with it;
every later step (issue, lend, return, return to the customer, damage, loss) is a movement in
its history and a state change of the ledger entry, written through record_create/update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.models import Department
from manyi.accounts.permissions import can, require
from manyi.accounts.selectors import department_manager
from manyi.accounts.types import Actor, stored_user
from manyi.common import deadlines, numbering
from manyi.common.notify import email_address, notify_users
from manyi.common.services import record_archive, record_create, record_update
from manyi.common.workflow import check_permitted_first

from . import rules
from .deadlines import LOAN, LOAN_ESCALATION
from .models import (
    Condition,
    CustomerProperty,
    DamageKind,
    DamageReport,
    ExternalDocument,
    LoanSlip,
    MovementKind,
    PropertyKind,
    PropertyMovement,
    PropertyStatus,
)
from .workflow import DAMAGE_WORKFLOW, ITEM_WORKFLOW, WORKFLOW, require_item_step

ITEM_FIELDS = (
    "customer",
    "contact",
    "kind",
    "name",
    "identifier",
    "quantity",
    "unit",
    "received_on",
    "condition",
    "condition_note",
    "holding_department",
    "holder",
    "location",
    "notes",
)
ITEM_EDITABLE = tuple(
    f for f in ITEM_FIELDS if f not in {"customer", "holding_department", "holder"}
)
DOCUMENT_FIELDS = (
    "customer",
    "item",
    "doc_type",
    "doc_number",
    "revision",
    "title",
    "received_on",
    "copies",
    "notes",
)


# --- helpers -------------------------------------------------------------------------------


def _move(
    item: CustomerProperty,
    *,
    actor: Actor,
    kind: str,
    at: dt.datetime | None = None,
    to_department: Any = None,
    to_person: Any = None,
    quantity: int | None = None,
    note: str = "",
) -> PropertyMovement:
    return record_create(
        PropertyMovement,
        actor=actor,
        fields={
            "item": item,
            "kind": kind,
            "at": at or timezone.now(),
            "from_department": item.holding_department,
            "to_department": to_department,
            "to_person": to_person,
            "quantity": quantity or item.quantity,
            "note": note[:300],
            "recorded_by": stored_user(actor),
        },
    )


# --- ledger --------------------------------------------------------------------------------


def property_receive(*, actor: Actor, data: Mapping[str, Any]) -> CustomerProperty:
    """Record property received from a customer (顾客财产台帐) and hand it to the department
    that works with it (default by kind, 003 §4.4.1)."""
    require(actor, "property.manage")
    fields = {k: data[k] for k in ITEM_FIELDS if k in data and data[k] is not None}
    customer = fields.get("customer")
    if customer is None:
        raise ValidationError({"customer": _("This field is required.")})
    if actor is not None and not can(actor, "property.manage", customer):
        raise ValidationError(
            {"customer": _("You may only record property of your own customers.")}
        )
    kind = fields.get("kind")
    if kind not in PropertyKind.values:
        raise ValidationError({"kind": _("Choose the kind of property.")})
    if fields.get("holding_department") is None:
        fields["holding_department"] = Department.objects.get(
            code=rules.receiving_department_code(kind)
        )
    fields["received_by"] = data.get("received_by") or stored_user(actor)
    if fields["received_by"] is None:
        raise ValidationError({"received_by": _("This field is required.")})
    fields.setdefault("received_on", timezone.localdate())
    fields["status"] = PropertyStatus.HELD
    with transaction.atomic():
        fields["number"] = numbering.allocate("property_item", fields["received_on"].year)
        item = record_create(CustomerProperty, actor=actor, fields=fields)
        received_at = timezone.make_aware(
            dt.datetime.combine(item.received_on, dt.time(9, 0))
        ) if item.received_on != timezone.localdate() else timezone.now()
        _move(
            item,
            actor=actor,
            kind=MovementKind.RECEIVED,
            at=received_at,
            to_department=item.holding_department,
            to_person=item.holder,
            note=item.condition_note,
        )
    return item


def property_update(
    *, actor: Actor, item: CustomerProperty, data: Mapping[str, Any], expected_version: int | None
) -> CustomerProperty:
    """Correct the description of a ledger entry (where it is changes only by movements)."""
    require(actor, "property.manage", item)
    fields = {k: data[k] for k in ITEM_EDITABLE if k in data}
    return record_update(item, actor=actor, fields=fields, expected_version=expected_version)


def property_issue(
    *,
    actor: Actor,
    item: CustomerProperty,
    department: Any,
    person: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> CustomerProperty:
    """Hand the item to another department and/or person (a movement in its history)."""
    require_item_step("issue", item, actor)
    if department is None and person is not None:
        department = person.department
    if department is None:
        raise ValidationError({"department": _("This field is required.")})
    with transaction.atomic():
        _move(
            item,
            actor=actor,
            kind=MovementKind.ISSUED,
            to_department=department,
            to_person=person,
            note=note,
        )
        return record_update(
            item,
            actor=actor,
            fields={"holding_department": department, "holder": person},
            expected_version=expected_version,
            note=_("issued"),
        )


def property_return_to_customer(
    *,
    actor: Actor,
    item: CustomerProperty,
    returned_on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> CustomerProperty:
    tr = check_permitted_first(ITEM_WORKFLOW, "return_to_customer", item, actor)
    returned_on = returned_on or timezone.localdate()
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("The date cannot be in the future.")})
    if returned_on < item.received_on:
        raise ValidationError({"returned_on": _("The item was received later than that.")})
    with transaction.atomic():
        _move(item, actor=actor, kind=MovementKind.TO_CUSTOMER, note=note)
        return record_update(
            item,
            actor=actor,
            fields={"status": tr.target_for(item), "returned_on": returned_on,
                    "holder": None},
            expected_version=expected_version,
            note=_("returned to the customer"),
        )


def property_archive(*, actor: Actor, item: CustomerProperty) -> CustomerProperty:
    require_item_step("archive", item, actor)
    return record_archive(item, actor=actor)


# --- lending slips (借用单) -----------------------------------------------------------------


def loan_create(*, actor: Actor, item: CustomerProperty, data: Mapping[str, Any]) -> LoanSlip:
    """Lend the item (003 §4.4.2): registered by sales or with the customer's consent, with a
    return date in working days."""
    lend = check_permitted_first(ITEM_WORKFLOW, "lend", item, actor)
    borrower = data.get("borrower")
    if borrower is None:
        raise ValidationError({"borrower": _("This field is required.")})
    department = data.get("department") or borrower.department
    if department is None:
        raise ValidationError({"department": _("This field is required.")})
    quantity = int(data.get("quantity") or item.quantity)
    if quantity > item.quantity:
        raise ValidationError(
            {"quantity": _("Cannot exceed the quantity (%(q)s).") % {"q": item.quantity}}
        )
    now = timezone.now()
    lent_at = data.get("lent_at") or now
    if lent_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"lent_at": _("The date cannot be in the future.")})
    workdays = data.get("due_workdays")
    if workdays is not None and int(workdays) < 1:
        raise ValidationError({"due_workdays": _("At least one working day.")})
    approved_by = data.get("approved_by") or stored_user(actor)
    if approved_by is None:
        raise ValidationError({"approved_by": _("This field is required.")})
    fields = {
        "item": item,
        "borrower": borrower,
        "department": department,
        "quantity": quantity,
        "purpose": str(data.get("purpose") or "").strip(),
        "customer_consent": bool(data.get("customer_consent")),
        "approved_by": approved_by,
        "lent_at": lent_at,
        "due_at": deadlines.due(LOAN, lent_at, None if workdays is None else int(workdays)),
    }
    with transaction.atomic():
        fields["number"] = numbering.allocate("loan_slip", timezone.localtime(lent_at).year)
        loan = record_create(LoanSlip, actor=actor, fields=fields)
        _move(
            item,
            actor=actor,
            kind=MovementKind.LENT,
            at=lent_at,
            to_department=department,
            to_person=borrower,
            quantity=quantity,
            note=loan.number,
        )
        record_update(
            item,
            actor=actor,
            fields={"status": lend.target_for(item)},
            expected_version=data.get("expected_version"),
            note=loan.number,
        )
    return loan


def loan_return(
    *,
    actor: Actor,
    loan: LoanSlip,
    returned_at: dt.datetime | None = None,
    condition: str = Condition.INTACT,
    note: str = "",
    expected_version: int | None = None,
) -> LoanSlip:
    """Record the return of a loan (by sales, or by the borrower)."""
    check_permitted_first(WORKFLOW, "return", loan, actor)
    returned_at = returned_at or timezone.now()
    if returned_at < loan.lent_at:
        raise ValidationError({"returned_at": _("The item was lent later than that.")})
    if condition not in Condition.values:
        raise ValidationError({"return_condition": _("Choose the condition.")})
    with transaction.atomic():
        loan = record_update(
            loan,
            actor=actor,
            fields={"returned_at": returned_at, "return_condition": condition,
                    "return_note": note[:300]},
            expected_version=expected_version,
            note=_("returned"),
        )
        item = CustomerProperty.objects.get(pk=loan.item_id)
        _move(
            item,
            actor=actor,
            kind=MovementKind.LOAN_RETURNED,
            at=returned_at,
            to_department=item.holding_department,
            quantity=loan.quantity,
            note=f"{loan.number} {note}".strip(),
        )
        back = ITEM_WORKFLOW.transition("loan_returned")
        if ITEM_WORKFLOW.may(back.name, item, None):  # as the system: the borrower may return
            record_update(
                item,
                actor=actor,
                fields={"status": back.target_for(item)},
                expected_version=None,
                note=loan.number,
            )
    return loan


def loan_overdue_sweep(*, now: dt.datetime | None = None) -> int:
    """Remind the borrower of each overdue loan once; tell the borrower's department manager
    once after the escalation delay. Returns the number of messages created."""
    now = now or timezone.now()
    loans = (
        LoanSlip.objects.filter(returned_at__isnull=True, archived_at__isnull=True,
                                due_at__lt=now)
        .select_related("item__customer", "borrower", "department__manager")
        .order_by("due_at", "id")
    )
    sent = 0
    escalate_after = deadlines.value(LOAN_ESCALATION)  # read once, not per loan
    for loan in loans:
        context = {
            "title": loan.item.name,
            "number": loan.number,
            "item_number": loan.item.number,
            "customer": loan.item.customer.name,
            "borrower": str(loan.borrower),
            "due_at": loan.due_at,
        }
        url = reverse("property:loan_detail", args=[loan.pk])
        sent += len(
            notify_users(
                key=f"property.loan.borrower:{loan.pk}",
                users=[loan.borrower],
                template="property_loan_overdue",
                context=context,
                url=url,
            )
        )
        if now >= deadlines.due(LOAN_ESCALATION, loan.due_at, escalate_after):
            manager = department_manager(loan.department)
            if manager is not None and manager.pk != loan.borrower_id:
                sent += len(
                    notify_users(
                        key=f"property.loan.manager:{loan.pk}",
                        users=[manager],
                        template="property_loan_escalated",
                        context=context,
                        url=url,
                    )
                )
    return sent


# --- external drawings / documents (外来图纸/文件登记) ---------------------------------------


def document_register(
    *, actor: Actor, data: Mapping[str, Any], distributed_to: Iterable[Any] = ()
) -> ExternalDocument:
    """Register a customer's drawing/document; an older version of the same document number
    of the same customer is marked superseded."""
    require(actor, "property.document")
    fields = {k: data[k] for k in DOCUMENT_FIELDS if k in data}
    customer = fields.get("customer")
    item = fields.get("item")
    if item is not None and customer is not None and item.customer_id != customer.pk:
        raise ValidationError({"item": _("This item belongs to another customer.")})
    fields["registered_by"] = data.get("registered_by") or stored_user(actor)
    if fields["registered_by"] is None:
        raise ValidationError({"registered_by": _("This field is required.")})
    with transaction.atomic():
        doc = record_create(
            ExternalDocument, actor=actor, fields=fields, m2m={"distributed_to": distributed_to}
        )
        older = ExternalDocument.objects.filter(
            customer=doc.customer, doc_number=doc.doc_number, superseded=False,
            received_on__lte=doc.received_on,
        ).exclude(pk=doc.pk)
        for old in older:
            record_update(old, actor=actor, fields={"superseded": True}, expected_version=None,
                          note=_("superseded by %(r)s") % {"r": doc.revision})
    return doc


def document_update(
    *,
    actor: Actor,
    document: ExternalDocument,
    data: Mapping[str, Any],
    distributed_to: Iterable[Any] | None = None,
    expected_version: int | None,
) -> ExternalDocument:
    require(actor, "property.document", document)
    fields = {k: data[k] for k in DOCUMENT_FIELDS if k in data and k != "customer"}
    if "superseded" in data:
        fields["superseded"] = bool(data["superseded"])
    m2m = {"distributed_to": distributed_to} if distributed_to is not None else None
    return record_update(
        document, actor=actor, fields=fields, m2m=m2m, expected_version=expected_version
    )


# --- damage / loss reports (损坏/丢失报告) ---------------------------------------------------


def damage_report_create(
    *, actor: Actor, item: CustomerProperty, data: Mapping[str, Any]
) -> DamageReport:
    """Report damage to or loss of an item (003 §4.4.3); the item's status follows."""
    report_damage = check_permitted_first(ITEM_WORKFLOW, "report_damage", item, actor)
    kind = data.get("kind")
    if kind not in DamageKind.values:
        raise ValidationError({"kind": _("Choose damage or loss.")})
    found_by = data.get("found_by") or stored_user(actor)
    if found_by is None:
        raise ValidationError({"found_by": _("This field is required.")})
    contact = data.get("contact") or item.contact
    fields = {
        "item": item,
        "kind": kind,
        "occurred_on": data.get("occurred_on") or timezone.localdate(),
        "found_by": found_by,
        "description": str(data.get("description") or "").strip(),
        "immediate_action": str(data.get("immediate_action") or "").strip(),
        "contact": contact,
    }
    with transaction.atomic():
        fields["number"] = numbering.allocate("damage_report", fields["occurred_on"].year)
        report = record_create(DamageReport, actor=actor, fields=fields)
        _move(
            item,
            actor=actor,
            kind=MovementKind.LOST if kind == DamageKind.LOST else MovementKind.DAMAGED,
            note=report.number,
        )
        status = PropertyStatus.LOST if kind == DamageKind.LOST else PropertyStatus.DAMAGED
        if item.status == PropertyStatus.LENT and kind == DamageKind.DAMAGED:
            status = PropertyStatus.LENT  # still out on loan; the loan's return brings it back
        record_update(
            item, actor=actor, fields={"status": report_damage.check_target(status)},
            expected_version=None, note=report.number,
        )
    return report


def damage_report_send(
    *, actor: Actor, report: DamageReport, expected_version: int | None = None
) -> DamageReport:
    """E-mail the report to the customer's contact, in the contact's language, once."""
    send = check_permitted_first(DAMAGE_WORKFLOW, "send", report, actor)
    contact = report.contact
    if contact is None or not contact.email:
        raise ValidationError(
            {"contact": _("Choose a contact of the customer with an e-mail address.")}
        )
    with transaction.atomic():
        message = email_address(
            key=f"property.damage:{report.pk}",
            to=contact.email,
            language=contact.language,
            template="property_damage_report",
            context={
                "number": report.number,
                "lost": report.kind == DamageKind.LOST,
                "contact": contact.name,
                "customer": report.item.customer.name,
                "item": report.item.name,
                "item_number": report.item.number,
                "identifier": report.item.identifier,
                "kind_label": PropertyKind(report.item.kind).label,
                "occurred_on": report.occurred_on,
                "description": report.description,
                "immediate_action": report.immediate_action,
                "sender": str(actor) if actor is not None else "",
            },
        )
        if message is None:  # already sent under this key (e.g. concurrently)
            raise ValidationError(_("This report has already been sent."))
        return record_update(
            report,
            actor=actor,
            fields={
                "status": send.target_for(report),
                "sent_at": timezone.now(),
                "sent_to": contact.email,
                "sent_language": contact.language,
            },
            expected_version=expected_version,
            note=_("sent to the customer"),
        )


def damage_report_reply(
    *,
    actor: Actor,
    report: DamageReport,
    reply: str,
    received_on: dt.date | None = None,
    expected_version: int | None = None,
) -> DamageReport:
    """Record the customer's reply to a sent report."""
    tr = check_permitted_first(DAMAGE_WORKFLOW, "reply", report, actor)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"customer_reply": _("This field is required.")})
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"reply_received_on": _("The date cannot be in the future.")})
    return record_update(
        report,
        actor=actor,
        fields={
            "status": tr.target_for(report),
            "customer_reply": reply,
            "reply_received_on": received_on,
        },
        expected_version=expected_version,
        note=_("customer replied"),
    )


__all__ = [
    "damage_report_create",
    "damage_report_reply",
    "damage_report_send",
    "document_register",
    "document_update",
    "loan_create",
    "loan_overdue_sweep",
    "loan_return",
    "property_archive",
    "property_issue",
    "property_receive",
    "property_return_to_customer",
    "property_update",
]
