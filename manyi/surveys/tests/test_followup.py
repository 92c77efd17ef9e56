"""Scheduler follow-up across a holiday (reminders, phone chases), the weekly chase report,
the reproducible call-back sample, validity at close and re-sending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from manyi.common.models import Message
from manyi.surveys import services
from manyi.surveys.models import (
    Channel,
    FollowUpTask,
    Invitation,
    Response,
    TaskKind,
)

from .conftest import full_answers

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


def test_chase_and_reminders_count_working_days_across_national_day(
    running_campaign, django_capture_on_commit_callbacks
) -> None:
    campaign = running_campaign(customers=1, reminder_interval=2, reminder_max=2)
    sent = at(2025, 9, 30)
    Invitation.objects.filter(campaign=campaign).update(sent_at=sent)
    answered = Invitation.objects.filter(campaign=campaign).order_by("-id")[0]
    Invitation.objects.filter(pk=answered.pk).update(completed_at=sent)
    silent = Invitation.objects.filter(campaign=campaign, completed_at__isnull=True).count()
    # 10-01..10-08 holidays: on 10-08 no working day has passed
    assert services.chases_due(now=at(2025, 10, 8)) == 0
    assert services.reminders_due(now=at(2025, 10, 8)) == 0
    # 10-10 is the 2nd working day: a reminder (interval 2) but no chase yet (3 days)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_due(now=at(2025, 10, 10)) == 1  # the one e-mail respondent
    assert services.chases_due(now=at(2025, 10, 10)) == 0
    # Saturday 10-11 is a make-up working day: the 3rd → chase tasks for every silent one
    assert services.chases_due(now=at(2025, 10, 11)) == silent
    assert services.chases_due(now=at(2025, 10, 13)) == 0  # idempotent
    task = FollowUpTask.objects.filter(kind=TaskKind.CHASE)[0]
    assert task.due_at.date() == dt.date(2025, 10, 13)
    delegated = FollowUpTask.objects.filter(invitation__channel=Channel.DELEGATED).first()
    assert delegated is not None
    # the next reminder two working days after the first, then no more (max 2)
    assert services.reminders_due(now=at(2025, 10, 11)) == 0
    assert services.reminders_due(now=at(2025, 10, 14)) == 1
    assert services.reminders_due(now=at(2025, 10, 30)) == 0
    reminder_keys = Message.objects.filter(key__startswith="survey-remind:").count()
    assert reminder_keys == 2
    assert any("/s/" in m.body for m in mail.outbox)


def test_weekly_chase_report_once_per_week(running_campaign, bu_head) -> None:
    campaign = running_campaign(customers=1)
    n = services.weekly_chase_report(now=at(2025, 12, 8))
    assert n == 2  # the BU head and the campaign owner
    assert services.weekly_chase_report(now=at(2025, 12, 10)) == 0
    assert services.weekly_chase_report(now=at(2025, 12, 15)) == 2
    rows = services.chase_report_rows(campaign)
    assert rows[0]["silent"] == rows[0]["invited"] > 0


def test_verification_sample_reproducible_and_recorded(running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=4, verify_percent=Decimal("10"), verify_seed=42)
    delegated = list(Invitation.objects.filter(campaign=campaign, channel=Channel.DELEGATED))
    for inv in delegated:
        services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                data=full_answers(campaign.template))
    drawn = services.verification_draw(actor=cs_user, campaign=campaign)
    assert len(delegated) == 8 and len(drawn) == 1  # ceil(10 % of 8)
    ids = sorted(r.pk for r in drawn)
    assert services.verification_draw(actor=cs_user, campaign=campaign) == []
    from manyi.surveys import rules

    population = list(Response.objects.filter(campaign=campaign, delegated=True)
                      .values_list("id", flat=True))
    assert rules.verification_sample(population, percent=Decimal(10), seed=42) == ids
    assert FollowUpTask.objects.filter(kind=TaskKind.VERIFY).count() == 1
    r = drawn[0]
    with pytest.raises(Exception):  # noqa: B017 — a discrepancy needs its description
        services.verification_record(actor=cs_user, response=r, status="discrepancy", note="")
    services.verification_record(actor=cs_user, response=r, status="confirmed", note="客户确认")
    r.refresh_from_db()
    assert r.verify_status == "confirmed" and r.verified_by == cs_user
    assert FollowUpTask.objects.get(response=r).status == "done"


def test_close_valid_or_not_and_resend(running_campaign, cs_user,
                                       django_capture_on_commit_callbacks) -> None:
    campaign = running_campaign(customers=1, min_return_rate=Decimal("60"))
    invs = list(Invitation.objects.filter(campaign=campaign).order_by("id"))
    for inv in invs[:2]:
        services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                data=full_answers(campaign.template))
    closed = services.campaign_close(actor=cs_user, campaign=campaign)
    assert closed.status == "closed" and closed.valid is False
    assert "return_rate" not in closed.validity_note  # a sentence, not a code
    with django_capture_on_commit_callbacks(execute=True):
        again = services.campaign_resend(actor=cs_user, campaign=closed)
    assert again.status == "running" and again.round == 2
    silent = Invitation.objects.filter(campaign=campaign, completed_at__isnull=True)
    assert {i.round for i in silent} == {2}
    for inv in invs[2:5]:
        services.response_enter(actor=cs_user, invitation=inv, channel="fax",
                                data=full_answers(campaign.template))
    final = services.campaign_close(actor=cs_user, campaign=again)
    assert final.valid is True  # 5 of 5 respondents (one customer, five functions)
    with pytest.raises(Exception):  # noqa: B017 — a valid campaign is not re-sent
        services.campaign_resend(actor=cs_user, campaign=final)


def test_minimum_forms_and_competitor_forms(running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1, min_return_rate=Decimal("50"), min_forms=3,
                                min_competitor_forms=1)
    for inv in Invitation.objects.filter(campaign=campaign)[:3]:
        services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                data=full_answers(campaign.template))
    v = services.campaign_validity(campaign)
    assert not v.valid and v.reasons == ("competitor_forms",)
    inv = Invitation.objects.filter(campaign=campaign, completed_at__isnull=True)[0]
    services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                            competitor_name="竞品", data=full_answers(
                                campaign.template, overrides={"c_R1": 3}))
    assert services.campaign_validity(campaign).valid


def test_sweeps_are_registered_and_idempotent(running_campaign) -> None:
    from manyi.common.scheduling import REGISTRY
    from manyi.surveys import tasks

    assert {"surveys.followup_sweep", "surveys.thanks_sweep",
            "surveys.weekly_chase_report"} <= set(REGISTRY)
    running_campaign(customers=1)
    first = tasks.followup_sweep.call()
    again = tasks.followup_sweep.call()
    assert again == {"reminders": 0, "chases": 0, "verification": 0}
    assert set(first) == set(again)
