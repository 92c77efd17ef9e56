"""Every write to the feedback register: permission check → rule → record_create/update.

Flow (000 §4.1.2, SPEC §3): a consultation or suggestion answered at once is recorded with
its answer; one that is not is assigned to the department that must answer, with a due date
in working days, and answered later. Complaints and claims are handed over (handover.py).
Praise leads to a praise notice (通报表扬) to the department or person concerned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import can, require
from manyi.accounts.selectors import department_manager
from manyi.accounts.types import Actor, stored_user
from manyi.common import deadlines, numbering
from manyi.common.notify import notify_users
from manyi.common.services import record_archive, record_create, record_update

from . import handover
from .deadlines import ANSWER
from .models import (
    HANDOVER_KINDS,
    INQUIRY_KINDS,
    FeedbackEntry,
    FeedbackStatus,
    PraiseNotice,
)
from .workflow import WORKFLOW, require_step

ENTRY_FIELDS = (
    "received_at",
    "customer",
    "contact",
    "contact_name",
    "contact_phone",
    "channel",
    "kind",
    "subject",
    "text",
)
EDITABLE_FIELDS = tuple(f for f in ENTRY_FIELDS if f != "kind")
CLOCK_SKEW = dt.timedelta(minutes=5)


# --- helpers -------------------------------------------------------------------------------


def _local_year(moment: dt.datetime) -> int:
    return timezone.localtime(moment).year


def _check_customer_scope(actor: Actor, action: str, customer: Any) -> None:
    if actor is not None and customer is not None and not can(actor, action, customer):
        raise ValidationError({"customer": _("You may only record entries of your own customers.")})


# --- feedback entries ----------------------------------------------------------------------


def _inquiry_fields(
    data: Mapping[str, Any], answer: str, recorded_by: Any, received_at: dt.datetime,
    now: dt.datetime,
) -> dict[str, Any]:
    """An inquiry is answered at once, or assigned to the department that will answer it."""
    department = data.get("assigned_department")
    person = data.get("assigned_to")
    if answer:
        if department is not None or person is not None:
            raise ValidationError(
                {"assigned_department": _("An inquiry answered at once is not assigned.")}
            )
        return {
            "status": FeedbackStatus.ANSWERED,
            "answer": answer,
            "answered_by": recorded_by,
            "answered_at": data.get("answered_at") or now,
        }
    if department is None and person is not None:
        department = person.department
    if department is None:
        raise ValidationError(
            {
                "assigned_department": _(
                    "Answer the inquiry now, or assign it to the department that "
                    "will answer it."
                )
            }
        )
    return {
        "status": FeedbackStatus.OPEN,
        "assigned_department": department,
        "assigned_to": person,
        "due_at": deadlines.due(ANSWER, received_at, data.get("due_workdays")),
    }


def _life_cycle_fields(
    kind: Any, data: Mapping[str, Any], recorded_by: Any, received_at: dt.datetime,
    now: dt.datetime,
) -> dict[str, Any]:
    """The status (and answer, assignment or hand-over) a new entry of `kind` starts with."""
    answer = str(data.get("answer") or "").strip()
    if kind in INQUIRY_KINDS:
        return _inquiry_fields(data, answer, recorded_by, received_at, now)
    if kind in HANDOVER_KINDS:
        return {
            "status": FeedbackStatus.HANDED_OVER,
            "handed_over_at": now,
            "handed_over_to": str(data.get("handed_over_to") or "").strip(),
        }
    # praise: recorded; a thank-you answer may be noted
    if answer:
        return {"status": FeedbackStatus.RECORDED, "answer": answer,
                "answered_by": recorded_by, "answered_at": now}
    return {"status": FeedbackStatus.RECORDED}


def feedback_create(*, actor: Actor, data: Mapping[str, Any]) -> FeedbackEntry:
    """Record an entry in the register.

    `data`: the ENTRY_FIELDS, plus `answer` (answered at once), or `assigned_department`
    (and optionally `assigned_to`) for an inquiry answered later, or `handed_over_to` for a
    complaint / claim. `recorded_by` defaults to the actor.
    """
    require(actor, "feedback.add")
    fields = {k: data[k] for k in ENTRY_FIELDS if k in data}
    _check_customer_scope(actor, "feedback.add", fields.get("customer"))
    now = timezone.now()
    received_at = fields.get("received_at") or now
    if received_at > now + CLOCK_SKEW:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    fields["received_at"] = received_at
    recorded_by = data.get("recorded_by") or stored_user(actor)
    if recorded_by is None:
        raise ValidationError({"recorded_by": _("This field is required.")})
    fields["recorded_by"] = recorded_by
    fields.update(_life_cycle_fields(fields.get("kind"), data, recorded_by, received_at, now))
    with transaction.atomic():
        fields["number"] = numbering.allocate("feedback", _local_year(received_at))
        entry = record_create(FeedbackEntry, actor=actor, fields=fields)
        if entry.kind in HANDOVER_KINDS:
            reference = handover.hand_over(entry, actor)
            if reference:
                entry = record_update(
                    entry,
                    actor=actor,
                    fields={"handed_over_to": reference[:100]},
                    expected_version=entry.version,
                )
    return entry


def feedback_update(
    *, actor: Actor, entry: FeedbackEntry, data: Mapping[str, Any], expected_version: int | None
) -> FeedbackEntry:
    """Correct the descriptive fields (not the kind, status or answer)."""
    if actor is not None and not can(actor, "feedback.manage", entry):
        own_entry = actor.pk == entry.recorded_by_id and can(actor, "feedback.add", entry)
        if not own_entry:
            require(actor, "feedback.manage", entry)  # refuses
    fields = {k: data[k] for k in EDITABLE_FIELDS if k in data}
    if "customer" in fields:
        _check_customer_scope(actor, "feedback.add", fields["customer"])
    if fields.get("received_at") and fields["received_at"] > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    return record_update(entry, actor=actor, fields=fields, expected_version=expected_version)


def feedback_answer(
    *, actor: Actor, entry: FeedbackEntry, answer: str, expected_version: int | None = None
) -> FeedbackEntry:
    """The assigned department answers an open inquiry (answer text, by, at)."""
    require(actor, "feedback.answer", entry)
    WORKFLOW.check("answer", entry, actor)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("This field is required.")})
    return record_update(
        entry,
        actor=actor,
        fields={
            "status": WORKFLOW.transition("answer").target_for(entry),
            "answer": answer,
            "answered_by": stored_user(actor),
            "answered_at": timezone.now(),
        },
        expected_version=expected_version,
        note=_("answered"),
    )


def feedback_assign(
    *,
    actor: Actor,
    entry: FeedbackEntry,
    department: Any,
    person: Any = None,
    expected_version: int | None = None,
) -> FeedbackEntry:
    """(Re)assign an open inquiry; the new department gets the full answer period from now."""
    require(actor, "feedback.manage", entry)
    require_step("assign", entry, actor)
    if department is None and person is not None:
        department = person.department
    if department is None:
        raise ValidationError({"assigned_department": _("This field is required.")})
    return record_update(
        entry,
        actor=actor,
        fields={
            "assigned_department": department,
            "assigned_to": person,
            "due_at": deadlines.due(ANSWER, timezone.now()),
        },
        expected_version=expected_version,
        note=_("assigned"),
    )


def feedback_set_reference(
    *, actor: Actor, entry: FeedbackEntry, reference: str, expected_version: int | None = None
) -> FeedbackEntry:
    """Note the number of the complaint / claim case the entry was handed over to."""
    require(actor, "feedback.manage", entry)
    require_step("set_reference", entry, actor)
    return record_update(
        entry,
        actor=actor,
        fields={"handed_over_to": (reference or "").strip()[:100]},
        expected_version=expected_version,
    )


def feedback_archive(*, actor: Actor, entry: FeedbackEntry, reason: str = "") -> FeedbackEntry:
    require(actor, "feedback.manage", entry)
    return record_archive(entry, actor=actor, reason=reason)


def feedback_overdue_recipients(entry: FeedbackEntry) -> list[Any]:
    if entry.assigned_to_id:
        return [entry.assigned_to]
    manager = department_manager(entry.assigned_department)
    return [manager] if manager is not None else []


def feedback_overdue_sweep(*, now: dt.datetime | None = None) -> int:
    """Notify the assignee (else the assigned department's manager) of every overdue open
    inquiry, once per entry and due date. Returns the number of messages created."""
    now = now or timezone.now()
    overdue = (
        FeedbackEntry.objects.filter(
            status=FeedbackStatus.OPEN, due_at__lt=now, archived_at__isnull=True
        )
        .select_related("assigned_to", "assigned_department__manager", "customer")
        .order_by("due_at", "id")
    )
    sent = 0
    for entry in overdue:
        assert entry.due_at is not None
        messages = notify_users(
            key=f"feedback.overdue:{entry.pk}:{int(entry.due_at.timestamp())}",
            users=feedback_overdue_recipients(entry),
            template="feedback_overdue",
            context={
                "title": entry.subject,
                "number": entry.number,
                "who": entry.who,
                "due_at": entry.due_at,
                "text": entry.text,
            },
            url=reverse("feedback:detail", args=[entry.pk]),
        )
        sent += len(messages)
    return sent


# --- praise notices ------------------------------------------------------------------------

PRAISE_FIELDS = ("entry", "customer", "aspect", "department", "person", "text")


def praise_notice_issue(*, actor: Actor, data: Mapping[str, Any]) -> PraiseNotice:
    """Issue a praise notice (通报表扬) and notify the praised person and department."""
    require(actor, "praise.issue")
    fields = {k: data[k] for k in PRAISE_FIELDS if k in data}
    entry = fields.get("entry")
    if entry is not None:
        require(actor, "feedback.view", entry)
        if fields.get("customer") is None:
            fields["customer"] = entry.customer
    issued_by = data.get("issued_by") or stored_user(actor)
    if issued_by is None:
        raise ValidationError({"issued_by": _("This field is required.")})
    fields["issued_by"] = issued_by
    issued_at = data.get("issued_at") or timezone.now()
    fields["issued_at"] = issued_at
    with transaction.atomic():
        fields["number"] = numbering.allocate("praise_notice", _local_year(issued_at))
        notice = record_create(PraiseNotice, actor=actor, fields=fields)
        praise_notice_notify(notice)
    return notice


def praise_notice_recipients(notice: PraiseNotice) -> list[Any]:
    """The praised person, the department's manager and its active members (each once)."""
    users: dict[int, Any] = {}
    if notice.person is not None:
        users[notice.person.pk] = notice.person
    if notice.department is not None:
        manager = department_manager(notice.department)
        if manager is not None:
            users[manager.pk] = manager
        for member in notice.department.members.filter(is_active=True).order_by("pk"):
            users[member.pk] = member
    return [users[k] for k in sorted(users)]


def praise_notice_notify(notice: PraiseNotice) -> int:
    """In-app message + e-mail to each recipient, once per notice (idempotent)."""
    messages = notify_users(
        key=f"praise:{notice.pk}",
        users=praise_notice_recipients(notice),
        template="praise_notice",
        context={
            "title": notice.get_aspect_display(),
            "number": notice.number,
            "customer": notice.customer.name if notice.customer else "",
            "praised": notice.praised,
            "text": notice.text,
        },
        url=reverse("feedback:praise_detail", args=[notice.pk]),
    )
    return len(messages)

