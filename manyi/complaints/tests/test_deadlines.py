"""Deadlines: the 48-hour rule (clock hours by default, working hours when configured) and the
working-day steps across the 2025 National Day holiday (10-01..10-08 off) and the make-up
working days (Sunday 09-28, Saturday 10-11); the overdue sweep fires once per step."""

from __future__ import annotations

import pytest
from django.test import override_settings

from manyi.common.models import CompanyClosure, Message
from manyi.complaints import services
from manyi.complaints.config import complaint_config
from manyi.complaints.deadlines import manager_escalation_at, remedy_deadline, step_deadline
from manyi.complaints.models import ComplaintState

from .conftest import GENERAL_ANALYSIS, at

pytestmark = pytest.mark.django_db
S = ComplaintState


def test_48_hours_are_clock_hours_by_default_even_over_a_holiday() -> None:
    assert remedy_deadline(at(2025, 9, 30, 10)) == at(2025, 10, 2, 10)
    assert step_deadline(S.SALES_HANDLING, at(2025, 9, 30, 10)) == at(2025, 10, 2, 10)
    assert remedy_deadline(at(2025, 10, 10, 16, 30)) == at(2025, 10, 12, 16, 30)  # a Sunday


@override_settings(MANYI_COMPLAINTS={"remedy_hours_mode": "working"})
def test_48_working_hours_skip_the_holiday_when_configured() -> None:
    # 6 working days of 8 hours: 09-30 (from 10:00), 10-09, 10-10, 10-11 (make-up), 10-13, …
    assert remedy_deadline(at(2025, 9, 30, 10)) == at(2025, 10, 15, 10)


@override_settings(MANYI_COMPLAINTS={"remedy_hours": 24})
def test_the_hours_are_configurable() -> None:
    assert remedy_deadline(at(2025, 9, 30, 10)) == at(2025, 10, 1, 10)


@pytest.mark.parametrize(
    ("state", "start", "due"),
    [
        # initial analysis, 1 working day: Tuesday before the holiday → Thursday after it
        (S.RECEIVED, at(2025, 9, 30, 10), at(2025, 10, 9, 10)),
        # escalated remedy, 3 working days: 10-09, 10-10 and the make-up Saturday 10-11
        (S.ESCALATED, at(2025, 9, 30, 11, 15), at(2025, 10, 11, 11, 15)),
        # from the make-up Saturday: 10-13, 10-14, 10-15
        (S.ESCALATED, at(2025, 10, 11, 9), at(2025, 10, 15, 9)),
        # carry out, 5 working days from Monday 09-29
        (S.REMEDY_ACCEPTED, at(2025, 9, 29, 14), at(2025, 10, 13, 14)),
        # call-back, 5 working days after closing on the make-up Sunday 09-28
        (S.CLOSED, at(2025, 9, 28, 15), at(2025, 10, 11, 15)),
        # root cause, 10 working days from Friday 09-26
        (S.REMEDY_DONE, at(2025, 9, 26, 9), at(2025, 10, 16, 9)),
        # a complaint received during the holiday: the first working day after it
        (S.RECEIVED, at(2025, 10, 3, 20), at(2025, 10, 9, 20)),
        (S.CALLED_BACK, at(2025, 9, 30, 10), None),
        (S.CANCELLED, at(2025, 9, 30, 10), None),
    ],
)
def test_working_day_steps_follow_the_prc_calendar(state, start, due) -> None:
    assert step_deadline(state, start) == due


def test_company_closures_move_deadlines(db) -> None:
    import datetime as dt

    CompanyClosure.objects.create(date=dt.date(2025, 10, 9), reason="盘点")
    assert step_deadline(S.RECEIVED, at(2025, 9, 30, 10)) == at(2025, 10, 10, 10)


@override_settings(MANYI_COMPLAINTS={"escalated_remedy_workdays": 1, "answer_workdays": 2})
def test_step_lengths_are_configurable() -> None:
    assert step_deadline(S.ESCALATED, at(2025, 9, 30, 10)) == at(2025, 10, 9, 10)
    assert step_deadline(S.REMEDY_PROPOSED, at(2025, 9, 30, 10)) == at(2025, 10, 10, 10)


def test_unknown_configuration_is_refused() -> None:
    with override_settings(MANYI_COMPLAINTS={"remedy_hourz": 24}), pytest.raises(ValueError):
        complaint_config()
    with override_settings(MANYI_COMPLAINTS={"remedy_hours_mode": "lunar"}), pytest.raises(
        ValueError
    ):
        complaint_config()


def test_the_service_stores_the_deadlines_of_each_step(people, new_complaint, step, clock) -> None:
    clock(at(2025, 9, 30, 10))
    c = new_complaint(received_at=at(2025, 9, 30, 10))
    assert c.due_at == at(2025, 10, 9, 10)  # initial analysis
    assert c.remedy_due_at == at(2025, 10, 2, 10)  # 48 clock hours
    clock(at(2025, 9, 30, 15))
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    assert c.due_at == at(2025, 10, 2, 10)  # the 48 hours run from receipt, not from analysis
    clock(at(2025, 10, 9, 9))
    assert c.due_at is not None and c.due_at < at(2025, 10, 9, 9)  # missed over the holiday
    c = step(c, "propose", people.clerk, kind="repair", description="x")
    assert c.due_at == at(2025, 10, 13, 9)  # the customer's answer: 3 working days
    clock(at(2025, 10, 10, 9))
    c = step(c, "reject", people.clerk, note="不接受")
    assert c.due_at == at(2025, 10, 12, 9)  # propose again within 48 hours of the answer


def test_escalation_gets_three_working_days(people, new_complaint, step, clock) -> None:
    clock(at(2025, 9, 30, 10))
    c = new_complaint(received_at=at(2025, 9, 30, 9))
    clock(at(2025, 9, 30, 11, 15))
    c = step(c, "analyse", people.clerk, nature="effective", analysis="x", escalate=True)
    assert c.due_at == c.remedy_due_at == at(2025, 10, 11, 11, 15)


# --- the sweep ----------------------------------------------------------------------------


def _overdue_keys(c):
    return sorted(
        Message.objects.filter(key__startswith=f"complaint:{c.pk}:overdue").values_list(
            "recipient__username", flat=True
        )
    )


def _escalated_keys(c):
    return sorted(
        Message.objects.filter(key__startswith=f"complaint:{c.pk}:escalated").values_list(
            "recipient__username", flat=True
        )
    )


def test_sweep_reminds_the_owner_once_then_the_manager_once(
    people, new_complaint, clock
) -> None:
    clock(at(2026, 3, 2, 9))  # Monday
    c = new_complaint(received_at=at(2026, 3, 2, 9))
    assert c.due_at == at(2026, 3, 3, 9)
    assert services.sweep_overdue(at(2026, 3, 3, 8, 59)) == {"overdue": 0, "escalated": 0}

    first = services.sweep_overdue(at(2026, 3, 3, 10))
    assert first == {"overdue": 1, "escalated": 0}
    assert _overdue_keys(c) == ["clerk_sh"]
    assert services.sweep_overdue(at(2026, 3, 3, 10)) == {"overdue": 0, "escalated": 0}
    assert services.sweep_overdue(at(2026, 3, 3, 16)) == {"overdue": 0, "escalated": 0}

    # One working day after the deadline the owner's manager hears of it — once.
    second = services.sweep_overdue(at(2026, 3, 4, 9, 30))
    assert second == {"overdue": 0, "escalated": 1}
    assert _escalated_keys(c) == ["branch_sh"]
    assert services.sweep_overdue(at(2026, 3, 4, 9, 30)) == {"overdue": 0, "escalated": 0}
    assert services.sweep_overdue(at(2026, 3, 9, 9)) == {"overdue": 0, "escalated": 0}
    assert _overdue_keys(c) == ["clerk_sh"] and _escalated_keys(c) == ["branch_sh"]


def test_a_new_step_is_a_new_reminder_and_done_steps_are_quiet(
    people, new_complaint, step, clock
) -> None:
    clock(at(2026, 3, 2, 9))
    c = new_complaint(received_at=at(2026, 3, 2, 9))
    services.sweep_overdue(at(2026, 3, 3, 10))
    clock(at(2026, 3, 3, 11))
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    assert c.due_at == at(2026, 3, 4, 9)  # 48 h from receipt
    assert services.sweep_overdue(at(2026, 3, 3, 12)) == {"overdue": 0, "escalated": 0}
    assert services.sweep_overdue(at(2026, 3, 4, 9, 1)) == {"overdue": 1, "escalated": 0}
    assert len(_overdue_keys(c)) == 2
    clock(at(2026, 3, 4, 10))
    c = step(c, "propose", people.clerk, kind="repair", description="x")
    assert services.sweep_overdue(at(2026, 3, 5, 10)) == {"overdue": 0, "escalated": 0}


def test_sweep_reminds_approvers_and_customer_service_of_their_steps(
    people, new_complaint, step, clock
) -> None:
    from decimal import Decimal

    clock(at(2026, 3, 2, 9))
    c = new_complaint(received_at=at(2026, 3, 2, 9))
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    c = step(c, "propose", people.clerk, kind="refund", description="x", amount=Decimal("100"))
    sent = services.sweep_overdue(at(2026, 3, 4, 10))  # approval: 1 working day
    assert sent["overdue"] == 1
    assert _overdue_keys(c) == ["sales_mgr"]

    other = new_complaint(received_at=at(2026, 3, 2, 9))
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "x"}),
        ("accept", {}),
        ("carry_out", {"result": "ok"}),
        ("record_root_cause", {"root_cause": "x", "capa_required": False}),
        ("close", {}),
    ]:
        other = step(other, name, people.clerk, **data)
    assert other.due_at == at(2026, 3, 9, 9)  # call-back: 5 working days after closing
    services.sweep_overdue(at(2026, 3, 9, 10))
    assert _overdue_keys(other) == ["kefu"]
    message = Message.objects.get(key__startswith=f"complaint:{other.pk}:overdue")
    assert message.language == "en" and "Overdue" in message.subject  # kefu reads English
    services.sweep_overdue(at(2026, 3, 10, 10))
    assert _escalated_keys(other) == ["gm"]  # CS has no manager: the parent department's


def test_manager_delay_is_configurable(people, new_complaint, clock) -> None:
    clock(at(2026, 3, 2, 9))
    c = new_complaint(received_at=at(2026, 3, 2, 9))
    with override_settings(MANYI_COMPLAINTS={"manager_escalation_workdays": 0}):
        assert manager_escalation_at(at(2026, 3, 3, 9)) == at(2026, 3, 3, 9)
        assert services.sweep_overdue(at(2026, 3, 3, 10)) == {"overdue": 1, "escalated": 1}
    assert _escalated_keys(c) == ["branch_sh"]


def test_the_scheduled_task_runs_the_sweep(people, new_complaint, clock) -> None:
    from manyi.common.scheduling import REGISTRY
    from manyi.complaints.tasks import complaints_sweep_overdue

    assert "complaints.sweep_overdue" in REGISTRY
    clock(at(2025, 3, 3, 9))
    new_complaint(received_at=at(2025, 3, 3, 9))
    clock(at(2025, 3, 10, 9))  # a week later: overdue, and the manager's delay is over
    result = complaints_sweep_overdue.enqueue()
    assert result.return_value == {"overdue": 1, "escalated": 1}
    assert complaints_sweep_overdue.enqueue().return_value == {"overdue": 0, "escalated": 0}


def test_abnormal_trend_asks_for_a_rectification_plan_once(people, customer, clock) -> None:
    def complaint(day):
        services.complaint_create(
            actor=None,
            data={"customer": customer, "channel": "phone", "contact_name": "x",
                  "description": "x", "content_category": "product_quality",
                  "received_at": at(2025, 6, day, 10)},
        )

    complaint(3)
    assert services.abnormal_trend_check(at(2025, 7, 1, 9)) == 0  # 1 in June: normal
    for day in range(4, 8):
        complaint(day)  # 5 in June against 0 in March–May
    sent = services.abnormal_trend_check(at(2025, 7, 1, 9))
    assert sent == 2  # the sales manager and the quality manager
    assert services.abnormal_trend_check(at(2025, 7, 15, 9)) == 0  # once a month
    message = Message.objects.get(key__startswith="complaints:abnormal:2025-06",
                                  recipient=people.qm)
    assert "2025-06" in message.subject
