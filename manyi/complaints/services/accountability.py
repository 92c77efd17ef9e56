"""责任追究 (002 §6): who is accountable for a complaint, the measure and its rectification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor
from manyi.common.services import record_create, record_update

from ..models import Accountability, Complaint
from ..workflow import WORKFLOW
from .people import notify
from .steps import require_fields


def accountability_create(
    *, actor: Actor, complaint: Complaint, data: Mapping[str, Any]
) -> Accountability:
    """责任追究 (002 §6): the failure, who is responsible, the measure, the deadline."""
    WORKFLOW.check_work("accountability", complaint, actor)
    require_fields(**{n: data.get(n) for n in ("failure_type", "responsible_department", "measure",
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
        notify(complaint, f"accountability:{record.pk}", recipients, "complaint_event",
                event="accountability", deadline=fields["rectification_deadline"],
                text=fields["rectification"])
    return record


def accountability_rectified(
    *, actor: Actor, record: Accountability, rectified_on: dt.date
) -> Accountability:
    WORKFLOW.check_work("accountability", record.complaint, actor)
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": _("This cannot be in the future.")})
    return record_update(
        record, actor=actor, fields={"rectified_on": rectified_on}, expected_version=None
    )


