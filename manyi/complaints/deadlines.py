"""When each step of a complaint is due (the rules are in `config.py`).

* First remedy of a complaint handled by sales: `remedy_hours` (48) after it was received —
  clock hours by default, working hours when `remedy_hours_mode = "working"`. After the
  customer rejected a proposal, or the superior refused the money, the next proposal is due
  the same number of hours after that answer.
* Everything else: `n` working days of the company calendar after the step began, at the same
  clock time (`manyi.common.calendar.deadline_in_workdays`).
"""

from __future__ import annotations

import datetime as dt

from manyi.common.calendar import deadline_in_workdays, deadline_in_working_hours

from .config import ComplaintConfig, complaint_config
from .models import ComplaintState

S = ComplaintState


def remedy_deadline(start: dt.datetime, config: ComplaintConfig | None = None) -> dt.datetime:
    """The 48-hour rule (003 §4.1.2): the remedy for a non-escalated complaint."""
    config = config or complaint_config()
    if config.remedy_hours_mode == "working":
        return deadline_in_working_hours(start, config.remedy_hours)
    return start + dt.timedelta(hours=config.remedy_hours)


def workdays_for(state: str, config: ComplaintConfig) -> int | None:
    table: dict[str, int] = {
        S.RECEIVED: config.initial_analysis_workdays,
        S.ESCALATED: config.escalated_remedy_workdays,
        S.AWAITING_APPROVAL: config.approval_workdays,
        S.REMEDY_PROPOSED: config.answer_workdays,
        S.REMEDY_ACCEPTED: config.carry_out_workdays,
        S.REMEDY_DONE: config.root_cause_workdays,
        S.ROOT_CAUSE: config.close_workdays,
        S.CLOSED: config.callback_workdays,
    }
    return table.get(state)


def step_deadline(
    state: str, start: dt.datetime, config: ComplaintConfig | None = None
) -> dt.datetime | None:
    """The deadline of the step a complaint enters at `start` (None for final states)."""
    config = config or complaint_config()
    if state == S.SALES_HANDLING:
        return remedy_deadline(start, config)
    days = workdays_for(state, config)
    if days is None:
        return None
    return deadline_in_workdays(start, days)


def manager_escalation_at(due: dt.datetime, config: ComplaintConfig | None = None) -> dt.datetime:
    """When the owner's manager is told about a step still overdue."""
    config = config or complaint_config()
    if config.manager_escalation_workdays <= 0:
        return due
    return deadline_in_workdays(due, config.manager_escalation_workdays)
