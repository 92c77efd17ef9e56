"""The deadline of each step of a complaint (rules in `manyi.common.deadlines`).

* First remedy of a complaint handled by sales (`complaints.sales_handling`): 48 hours after it
  was received (003 §4.1.2: 48小时内提出补救措施). The seed says "48小时" without "工作", so the
  default counts **clock hours** (received Friday 10:00 → due Sunday 10:00);
  `MANYI_COMPLAINTS = {"remedy_hours_mode": "working"}` counts working hours of the company
  calendar instead (8 working hours a day). After the customer rejected a proposal, or the
  superior refused the money, the next proposal is due the same number of hours after that
  answer.
* Every other step counts working days of the company calendar (PRC statutory calendar with
  the make-up working days, plus the company's closures): the same clock time `n` working
  days after the step began.

The older `MANYI_COMPLAINTS` keys (`remedy_hours`, `escalated_remedy_workdays`…) still set
the values (`SETTING_KEYS`); the admin's deadline settings come first.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from manyi.common import deadlines
from manyi.common.deadlines import DeadlineRule, Unit

from .models import ComplaintState

S = ComplaintState
REMEDY = f"complaints.{S.SALES_HANDLING}"
MANAGER_ESCALATION = "complaints.manager_escalation"
REMEDY_MODES: dict[str, Unit] = {"clock": "hours", "working": "working_hours"}


def remedy_unit() -> Unit:
    """Clock hours or working hours for the 48-hour rule (`remedy_hours_mode`)."""
    mode = (getattr(settings, "MANYI_COMPLAINTS", None) or {}).get("remedy_hours_mode", "clock")
    if mode not in REMEDY_MODES:
        raise ValueError("MANYI_COMPLAINTS: remedy_hours_mode must be 'clock' or 'working'")
    return REMEDY_MODES[mode]


def _step(state: str, default: int, setting: str, label: object, description: object,
          source: str) -> DeadlineRule:
    return DeadlineRule(f"complaints.{state}", label, default, "workdays", source, description,
                        setting=f"MANYI_COMPLAINTS.{setting}")


RULES = (
    DeadlineRule(
        REMEDY, _("Complaint: first remedy proposal by sales"), 48, "hours", "003 §4.1.2",
        _("From receipt of a complaint that is not escalated to the first remedy proposal; "
          "clock hours, or working hours with MANYI_COMPLAINTS remedy_hours_mode = working."),
        setting="MANYI_COMPLAINTS.remedy_hours", unit_of=remedy_unit,
    ),
    _step(S.RECEIVED, 1, "initial_analysis_workdays",
          _("Complaint: initial analysis"),
          _("From receipt to the initial analysis by sales (handle or escalate)."), "003 §4.1.1"),
    _step(S.ESCALATED, 3, "escalated_remedy_workdays",
          _("Complaint: remedy proposal by quality"),
          _("From escalation to the quality department's remedy proposal."), "003 §4.1.3"),
    _step(S.AWAITING_APPROVAL, 1, "approval_workdays",
          _("Complaint: approval of money"),
          _("A proposal with money waits for the superior's approval."), "SPEC §4"),
    _step(S.REMEDY_PROPOSED, 3, "answer_workdays",
          _("Complaint: customer's answer"),
          _("From the proposal communicated to the customer's answer being recorded."),
          "003 §4.1.4"),
    _step(S.REMEDY_ACCEPTED, 5, "carry_out_workdays",
          _("Complaint: remedy carried out"),
          _("From the accepted proposal to the remedy carried out."), "003 §4.1.4"),
    _step(S.REMEDY_DONE, 10, "root_cause_workdays",
          _("Complaint: root cause"),
          _("From the remedy carried out to the root cause recorded."), "003 §4.1.6"),
    _step(S.ROOT_CAUSE, 2, "close_workdays",
          _("Complaint: closing"),
          _("From the root cause recorded to the complaint closed."), "003 §4.1.5"),
    _step(S.CLOSED, 5, "callback_workdays",
          _("Complaint: call-back"),
          _("From closing to the call-back (回访) of the customer."), "SPEC §4"),
    DeadlineRule(
        MANAGER_ESCALATION, _("Complaint: telling the owner's manager"), 1, "workdays",
        "SPEC §4",
        _("The owner's manager is told about a step still overdue this many working days "
          "after its deadline (0 in the settings: at the same time as the owner)."),
        setting="MANYI_COMPLAINTS.manager_escalation_workdays",
    ),
)
deadlines.register(*RULES)

#: the `MANYI_COMPLAINTS` keys that set a deadline (complaint_config accepts them)
SETTING_KEYS = frozenset(
    {r.setting.partition(".")[2] for r in RULES} | {"remedy_hours_mode"}
)
TIMED = frozenset(r.key for r in RULES) - {MANAGER_ESCALATION}


def rule_key(state: str) -> str | None:
    """The deadline rule of a step, None for the final states."""
    key = f"complaints.{state}"
    return key if key in TIMED else None


def remedy_deadline(start: dt.datetime) -> dt.datetime:
    """The 48-hour rule (003 §4.1.2): the remedy for a non-escalated complaint."""
    return deadlines.due(REMEDY, start)


def step_deadline(state: str, start: dt.datetime) -> dt.datetime | None:
    """The deadline of the step a complaint enters at `start` (None for final states)."""
    key = rule_key(state)
    return None if key is None else deadlines.due(key, start)


def manager_escalation_at(due: dt.datetime, workdays: int | None = None) -> dt.datetime:
    """When the owner's manager is told about a step still overdue (`workdays`: the value
    of the rule, read once by a sweep over many complaints)."""
    return deadlines.due(MANAGER_ESCALATION, due, workdays)


def manager_escalation_workdays() -> int:
    return deadlines.value(MANAGER_ESCALATION)
