"""The frame of every workflow step: lock the complaint, check the step, write the new state
with its deadline, and the small checks the steps share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor
from manyi.common.services import StaleRecordError, record_update
from manyi.common.workflow import Transition

from ..deadlines import step_deadline
from ..models import Complaint, ComplaintState
from ..workflow import WORKFLOW
from . import clock

S = ComplaintState


@contextmanager
def locked_step(
    actor: Actor, complaint: Complaint, name: str, expected_version: int | None
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


def move(
    complaint: Complaint,
    actor: Actor,
    transition: Transition,
    target: str,
    fields: Mapping[str, Any] | None = None,
    *,
    due_at: dt.datetime | bool | None = True,
    note: str = "",
) -> Complaint:
    """Write the new state (+ fields and the new step's deadline) with the audit trail."""
    transition.check_target(target)
    now = clock.now()
    new_due = step_deadline(target, now) if due_at is True else due_at
    return record_update(
        complaint,
        actor=actor,
        fields={**(fields or {}), "state": target, "due_at": new_due},
        expected_version=complaint.version,
        note=note or str(transition.label),
    )


def require_fields(**values: Any) -> None:
    missing = {n: _("This field is required.") for n, v in values.items() if not v}
    if missing:
        raise ValidationError(missing)


def not_in_future(name: str, value: dt.datetime, message: str = "") -> None:
    if value > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError({name: message or _("This cannot be in the future.")})


def handling_state(complaint: Complaint) -> str:
    return S.ESCALATED if complaint.escalated else S.SALES_HANDLING


def handling_due(complaint: Complaint, start: dt.datetime) -> dt.datetime | None:
    return step_deadline(handling_state(complaint), start)


