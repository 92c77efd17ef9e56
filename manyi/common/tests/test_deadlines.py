"""The deadline table (manyi.common.deadlines): every app's rules are registered at start-up,
`due` counts them on the PRC calendar across the 2025 National Day holiday (10-01..10-08 off)
and its make-up working days (Sunday 09-28, Saturday 10-11), the company's value in the admin
beats the settings and the default, the admin lists every rule, and docs/deadlines.md is
generated from the rules."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import autodiscover_modules

from manyi.common import deadlines
from manyi.common.models import DeadlineSetting
from manyi.common.workflow import REGISTRY

SH = ZoneInfo("Asia/Shanghai")
DOC = Path(__file__).resolve().parents[3] / "docs" / "deadlines.md"


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def test_every_module_registers_its_rules_at_start_up() -> None:
    keys = set(deadlines.RULES)
    assert {
        "complaints.sales_handling", "complaints.received", "complaints.escalated",
        "complaints.manager_escalation", "claims.collecting", "claims.analysis",
        "claims.root_cause", "feedback.open", "property.loan", "property.loan_escalation",
        "surveys.process", "surveys.chase", "surveys.route",
    } <= keys
    for rule in deadlines.rules():
        assert rule.unit in deadlines.UNITS and rule.default >= 0 and rule.source


def test_every_workflow_deadline_names_a_registered_rule() -> None:
    autodiscover_modules("workflow")  # every module's workflow is in the registry
    assert {"claim", "complaint", "campaign", "feedback", "property_loan"} <= set(REGISTRY)
    for workflow in REGISTRY.values():
        for state, key in workflow.deadlines.items():
            assert key in deadlines.RULES, (workflow.name, state, key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "start", "due"),
    [
        # 3 working days from Tuesday before the holiday: 10-09, 10-10, Saturday 10-11
        ("claims.analysis", at(2025, 9, 30, 10), at(2025, 10, 11, 10)),
        # 2 working days from Saturday 09-27: the make-up Sunday 09-28, Monday 09-29
        ("feedback.open", at(2025, 9, 27, 10), at(2025, 9, 29, 10)),
        # 5 working days from the make-up Sunday: 09-29, 09-30, 10-09, 10-10, 10-11
        ("property.loan", at(2025, 9, 28, 15), at(2025, 10, 11, 15)),
        # started during the holiday: the first working day after it
        ("complaints.received", at(2025, 10, 3, 20), at(2025, 10, 9, 20)),
        # the 48 hours are clock hours: the holiday does not stop them
        ("complaints.sales_handling", at(2025, 9, 30, 10), at(2025, 10, 2, 10)),
        ("complaints.sales_handling", at(2025, 10, 10, 16, 30), at(2025, 10, 12, 16, 30)),
    ],
)
def test_due_follows_the_prc_calendar_over_national_day_2025(key, start, due) -> None:
    assert deadlines.due(key, start) == due


@pytest.mark.django_db
@override_settings(MANYI_COMPLAINTS={"remedy_hours_mode": "working"})
def test_the_48_hours_in_working_hours_skip_the_holiday_and_use_the_make_up_days() -> None:
    assert deadlines.unit("complaints.sales_handling") == "working_hours"
    # 6 working days of 8 hours from Friday 09-26: 09-28 (Sunday, make-up), 09-29, 09-30,
    # 10-09, 10-10, 10-11 (Saturday, make-up)
    assert deadlines.due("complaints.sales_handling", at(2025, 9, 26, 10)) == at(2025, 10, 11, 10)


@pytest.mark.django_db
def test_a_deadline_setting_changes_the_due_date() -> None:
    start = at(2025, 9, 30, 10)
    DeadlineSetting.objects.create(key="claims.analysis", value=1, note="faster analysis")
    assert deadlines.value("claims.analysis") == 1
    assert deadlines.due("claims.analysis", start) == at(2025, 10, 9, 10)
    DeadlineSetting.objects.create(key="complaints.sales_handling", value=24, note="24 h")
    assert deadlines.due("complaints.sales_handling", start) == at(2025, 10, 1, 10)
    assert deadlines.table()["claims.analysis"] == 1
    assert deadlines.table()["claims.collecting"] == 5  # the others keep their default


@pytest.mark.django_db
def test_the_admin_setting_beats_the_settings_and_those_beat_the_default() -> None:
    assert deadlines.value("feedback.open") == 2
    with override_settings(MANYI_FEEDBACK_ANSWER_WORKDAYS=4):
        assert deadlines.value("feedback.open") == 4
    with override_settings(MANYI_DEADLINES={"feedback.open": 3}, MANYI_FEEDBACK_ANSWER_WORKDAYS=4):
        assert deadlines.value("feedback.open") == 3
        assert deadlines.table()["feedback.open"] == 3
        DeadlineSetting.objects.create(key="feedback.open", value=7, note="n")
        assert deadlines.value("feedback.open") == 7
        assert deadlines.table()["feedback.open"] == 7


@pytest.mark.django_db
def test_an_explicit_amount_and_zero() -> None:
    start = at(2025, 9, 30, 10)
    assert deadlines.due("property.loan", start, 1) == at(2025, 10, 9, 10)
    holiday = at(2025, 10, 3, 20)
    assert deadlines.due("property.loan", holiday, 0) == holiday  # at once, even on a holiday


def test_unknown_rules_and_units_are_refused() -> None:
    with pytest.raises(LookupError):
        deadlines.value("claims.nonexistent")
    with pytest.raises(ValueError):
        deadlines.DeadlineRule("x.y", "x", 1, "days", "—")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        deadlines.register(deadlines.DeadlineRule("claims.analysis", "other", 9, "hours", "—"))
    with override_settings(MANYI_COMPLAINTS={"remedy_hours_mode": "lunar"}), pytest.raises(
        ValueError
    ):
        deadlines.unit("complaints.sales_handling")


def test_the_docs_page_is_generated_from_the_rules() -> None:
    assert DOC.read_text(encoding="utf-8") == deadlines.markdown()
    call_command("deadlines_table", "--check", stdout=StringIO())


def test_the_command_writes_the_page_and_check_detects_an_old_one(tmp_path: Path) -> None:
    target = tmp_path / "deadlines.md"
    call_command("deadlines_table", "--output", str(target), stdout=StringIO())
    text = target.read_text(encoding="utf-8")
    assert text == deadlines.markdown()
    for rule in deadlines.rules():
        assert f"| `{rule.key}` |" in text and f"| {rule.source} |" in text
    target.write_text(text.replace("| 48 |", "| 24 |"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("deadlines_table", "--output", str(target), "--check", stdout=StringIO())


@pytest.mark.django_db
def test_the_admin_lists_every_rule_and_offers_only_registered_keys(client, make_user) -> None:
    admin_client = client
    admin_client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    DeadlineSetting.objects.create(key="claims.recourse", value=30, note="suppliers are slow")
    page = admin_client.get(reverse("admin:common_deadlinesetting_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    for rule in deadlines.rules():
        assert f"<code>{rule.key}</code>" in html
    assert "suppliers are slow" in html

    add = reverse("admin:common_deadlinesetting_add")
    form = admin_client.get(add).context["adminform"].form
    assert [k for k, _label in form.fields["key"].choices] == sorted(deadlines.RULES)
    refused = admin_client.post(add, {"key": "claims.nonexistent", "value": 3, "note": "x"})
    assert refused.status_code == 200 and not DeadlineSetting.objects.filter(
        key="claims.nonexistent").exists()
    no_reason = admin_client.post(add, {"key": "claims.analysis", "value": 1, "note": ""})
    assert no_reason.status_code == 200
    assert not DeadlineSetting.objects.filter(key="claims.analysis").exists()
    admin_client.post(add, {"key": "claims.analysis", "value": 1, "note": "faster"})
    assert deadlines.due("claims.analysis", at(2025, 9, 30, 10)) == at(2025, 10, 9, 10)


@pytest.mark.django_db
def test_survey_campaign_dates_and_labels_follow_the_configured_rules() -> None:
    from types import SimpleNamespace

    from manyi.surveys.services.campaigns import campaign_deadlines, deadline_rows

    # start Monday 09-29: 09-30, 10-09, 10-10 (the holiday 10-01..10-08 is skipped), 18:00
    assert campaign_deadlines(dt.date(2025, 9, 29))["distribute_by"] == at(2025, 10, 10, 18)
    DeadlineSetting.objects.create(key="surveys.distribute", value=1, note="n")
    DeadlineSetting.objects.create(key="surveys.route", value=2, note="n")
    dates = campaign_deadlines(dt.date(2025, 9, 29))
    assert dates["distribute_by"] == at(2025, 9, 30, 18)
    assert dates["feedback_by"] == at(2025, 10, 10, 18)  # 1 + 2 working days
    with translation.override("en"):
        rows = deadline_rows(SimpleNamespace(**dates))  # type: ignore[arg-type]
        assert "(1 working day)" in rows[0][0]
        # routing: 2 working days after the end, the make-up Saturday 10-11 counts
        dates["ends_at"] = at(2025, 10, 9, 18)
        route = deadline_rows(SimpleNamespace(**dates))[-1]  # type: ignore[arg-type]
    assert "2 working days" in route[0] and route[1] == at(2025, 10, 11, 18)
