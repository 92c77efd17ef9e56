"""The side actions the workflow offers beside the steps: acknowledge receipt, legal, hand
over to a colleague, attachments, the link to a corrective / preventive action."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from manyi.accounts.models import User
from manyi.accounts.permissions import users_who_can
from manyi.accounts.types import Actor
from manyi.common.attachments import attachment_add
from manyi.common.models import Attachment
from manyi.common.services import record_update

from .. import workflow
from ..models import Complaint
from ..workflow import WORKFLOW
from . import clock
from .people import legal_users, notify


def complaint_acknowledge(*, actor: Actor, complaint: Complaint, method: str) -> Complaint:
    """Record that the customer was told we received the complaint (phone, in person…)."""
    WORKFLOW.check_work("acknowledge", complaint, actor)  # not acknowledged yet
    if method not in {"phone", "in_person", "letter", "email"}:
        raise ValidationError({"method": _("Choose how the customer was told.")})
    return record_update(
        complaint,
        actor=actor,
        fields={"acknowledged_at": clock.now(), "acknowledged_by": method},
        expected_version=None,
    )


def flag_legal(complaint: Complaint, actor: Actor) -> Complaint:
    complaint = record_update(
        complaint,
        actor=actor,
        fields={"legal_flag": True, "legal_flagged_at": clock.now()},
        expected_version=None,
        note=_("sent to legal"),
    )
    notify(complaint, "legal", legal_users(), "complaint_legal")
    return complaint


def complaint_flag_legal(*, actor: Actor, complaint: Complaint) -> Complaint:
    """002: 涉及法律诉讼的要及时与公司法务人员沟通 — route the complaint to legal."""
    WORKFLOW.check_work("flag_legal", complaint, actor, state=False, guard=False)  # who first
    WORKFLOW.check_work("flag_legal", complaint, actor)  # not finished, not with legal yet
    with transaction.atomic():
        return flag_legal(complaint, actor)


def complaint_legal_opinion(*, actor: Actor, complaint: Complaint, opinion: str) -> Complaint:
    WORKFLOW.check_work("legal_opinion", complaint, actor)
    if not opinion.strip():
        raise ValidationError({"opinion": _("This field is required.")})
    with transaction.atomic():
        complaint = record_update(
            complaint,
            actor=actor,
            fields={"legal_opinion": opinion.strip(), "legal_opinion_at": clock.now()},
            expected_version=None,
        )
        if complaint.owner is not None and complaint.owner != actor:
            notify(complaint, f"legal_opinion:{complaint.version}", [complaint.owner],
                    "complaint_event", event="legal_opinion", text=complaint.legal_opinion)
    return complaint


def reassign_candidates(complaint: Complaint) -> list[User]:
    """Who may take the complaint over: active people allowed to handle it (sales, or quality
    once it is escalated) within their scope."""
    action = "complaint.quality" if complaint.escalated else "complaint.handle"
    return users_who_can(action, complaint)


def complaint_reassign(
    *, actor: Actor, complaint: Complaint, owner: User | None, note: str,
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
        notify(complaint, f"assigned:v{complaint.version}", [owner], "complaint_assigned",
                step=workflow.STEP_LABELS.get(complaint.state, ""),
                handover={"by": actor, "note": note.strip()})
    return complaint


def complaint_attach(
    *, actor: Actor, complaint: Complaint, upload: UploadedFile, note: str = ""
) -> Attachment:
    WORKFLOW.check_work("attach", complaint, actor)
    return attachment_add(actor=actor, obj=complaint, upload=upload, note=note)


def link_capa(complaint: Complaint, actor: Actor, record: models.Model) -> Complaint:
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


def complaint_link_capa(*, actor: Actor, complaint: Complaint, record: models.Model) -> Complaint:
    """Link an existing CAPA record (for the CAPA module, see hooks.py)."""
    WORKFLOW.check_work("accountability", complaint, actor)
    if not complaint.capa_required:
        raise ValidationError(_("No corrective / preventive action was asked for."))
    with transaction.atomic():
        return link_capa(complaint, actor, record)


