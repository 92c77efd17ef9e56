"""Every write of complaint handling: permission → workflow check → validation → save → audit
→ notifications. Each service runs in one transaction (nothing is half-saved).

The modules, from the bottom up (none imports one above it):
- clock.py: `now()`, the one "now" of the services (the tests' `clock` fixture patches it);
- people.py: owners, approvers, legal, and the notifications of a complaint;
- steps.py: the frame of a workflow step (lock, check, move with the new deadline);
- actions.py: the side actions (acknowledge, legal, reassign, attachments, CAPA link);
- accountability.py: 责任追究;
- intake.py: recording and correcting a complaint;
- remedy.py: the remedy steps; transitions.py: the other steps, the table by name, dispatch;
- sweeps.py: the scheduler's overdue and abnormal-trend sweeps.

Import the public names from here (`from manyi.complaints import services`).
"""

from __future__ import annotations

from .accountability import accountability_create, accountability_rectified
from .actions import (
    complaint_acknowledge,
    complaint_attach,
    complaint_flag_legal,
    complaint_legal_opinion,
    complaint_link_capa,
    complaint_reassign,
    reassign_candidates,
)
from .intake import (
    INTAKE_FIELDS,
    complaint_create,
    complaint_create_from_survey,
    complaint_update,
)
from .people import (
    complaint_url,
    legal_users,
    quality_owner,
    sales_owner_for,
    step_owners,
    users_with_roles,
)
from .remedy import (
    complaint_accept_remedy,
    complaint_approve_remedy,
    complaint_carry_out_remedy,
    complaint_propose_remedy,
    complaint_refuse_approval,
    complaint_reject_remedy,
)
from .sweeps import abnormal_trend_check, sweep_overdue
from .transitions import (
    TRANSITION_SERVICES,
    complaint_analyse,
    complaint_cancel,
    complaint_close,
    complaint_escalate,
    complaint_record_callback,
    complaint_record_meeting,
    complaint_record_root_cause,
    complaint_transition,
)

__all__ = [
    "INTAKE_FIELDS",
    "TRANSITION_SERVICES",
    "abnormal_trend_check",
    "accountability_create",
    "accountability_rectified",
    "complaint_accept_remedy",
    "complaint_acknowledge",
    "complaint_analyse",
    "complaint_approve_remedy",
    "complaint_attach",
    "complaint_cancel",
    "complaint_carry_out_remedy",
    "complaint_close",
    "complaint_create",
    "complaint_create_from_survey",
    "complaint_escalate",
    "complaint_flag_legal",
    "complaint_legal_opinion",
    "complaint_link_capa",
    "complaint_propose_remedy",
    "complaint_reassign",
    "complaint_record_callback",
    "complaint_record_meeting",
    "complaint_record_root_cause",
    "complaint_refuse_approval",
    "complaint_reject_remedy",
    "complaint_transition",
    "complaint_update",
    "complaint_url",
    "legal_users",
    "quality_owner",
    "reassign_candidates",
    "sales_owner_for",
    "step_owners",
    "sweep_overdue",
    "users_with_roles",
]
