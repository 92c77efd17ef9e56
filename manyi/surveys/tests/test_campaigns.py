"""Campaigns: working-day deadlines, the target list from the rules, BU approval, sending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.accounts.permissions import ALL_RECORDS
from manyi.customers.models import ProductLine
from manyi.surveys import services
from manyi.surveys.models import (
    ApprovalStatus,
    CampaignStatus,
    Channel,
    Invitation,
    InvitationStatus,
)

pytestmark = pytest.mark.django_db


def test_deadlines_on_the_working_day_calendar_across_national_day(cs_user,
                                                                    survey_template) -> None:
    # 2025-09-30 (Tue) start: 10-01..10-08 are holidays, Sat 10-11 is a make-up working day
    d = services.campaign_deadlines(dt.date(2025, 9, 30))
    assert d["distribute_by"].date() == dt.date(2025, 10, 11)  # 9, 10, Sat 11 (make-up)
    assert d["distribute_by"].hour == 18 and d["distribute_by"].tzinfo is not None
    assert d["feedback_by"].date() == dt.date(2025, 10, 14)
    assert d["ends_at"].date() == dt.date(2025, 10, 31)
    # Q4 start: first working day of December = Mon 2025-12-01
    assert services.default_start(2025, "Q4") == dt.date(2025, 12, 1)
    assert services.default_start(2026, "Q1") == dt.date(2026, 3, 2)  # 1 March is a Sunday


def test_target_list_rules_coverage_and_function_mix(
    cs_user, survey_template, make_customer, make_contacts, dept
) -> None:
    line_a = ProductLine.objects.create(code="PL-A", name="A")
    line_b = ProductLine.objects.create(code="PL-B", name="B")
    big = []
    for rev, line in [(50, line_a), (30, line_a), (10, line_a), (6, line_b), (4, line_b)]:
        c = make_customer(bu="BU-PWR", annual_revenue=Decimal(rev * 100_000), level="provincial")
        c.product_lines.add(line)
        big.append(c)
    other_bu = make_customer(bu="BU-CTL", annual_revenue=Decimal(1_000_000))
    other_bu.product_lines.add(line_a)
    make_contacts(big[0], classes="ABBCC")
    make_contacts(big[1], classes="CCCCC")
    campaign = services.campaign_create(actor=cs_user, data={
        "title": "Q4", "template": survey_template, "kind": "quarterly", "period_year": 2025,
        "period": "Q4", "rule_business_units": [dept("BU-PWR")],
    })
    selection = services.targets_build(actor=cs_user, campaign=campaign)
    assert set(selection.ids) == {big[0].pk, big[1].pk, big[3].pk, big[4].pk}
    rows = services.coverage_by_bu(campaign)
    assert len(rows) == 1 and rows[0]["share"] == Decimal("0.9") and rows[0]["ok"]
    invs = Invitation.objects.filter(campaign=campaign)
    assert invs.count() == 10  # five functions per customer that has contacts
    a = invs.filter(decision_class="A")
    assert a.count() == 1 and a.get().channel == Channel.EMAIL and a.get().delegated_office is None
    delegated = invs.filter(channel=Channel.DELEGATED)
    assert delegated.count() == 9
    assert {i.delegated_office_id for i in delegated} == {dept("BO-SH").pk}
    _selection, plan = services.targets_preview(campaign)
    assert not plan.a_share_ok  # 1 of 10 is below a third: shown as a warning


def test_approval_by_the_bu_head_of_that_bu_only(cs_user, bu_head, make_user, survey_template,
                                                 make_customer, make_contacts) -> None:
    c = make_customer(bu="BU-PWR")
    make_contacts(c)
    campaign = services.campaign_create(actor=cs_user, data={
        "title": "Q4", "template": survey_template, "kind": "quarterly", "period_year": 2025,
        "period": "Q4"})
    with pytest.raises(ValidationError):
        services.targets_submit(actor=cs_user, campaign=campaign)  # empty list
    services.targets_build(actor=cs_user, campaign=campaign)
    campaign = services.targets_submit(actor=cs_user, campaign=campaign)
    assert campaign.status == CampaignStatus.LIST_SUBMITTED
    approval = campaign.approvals.get()
    other_head = make_user("bu_head", department="BU-CTL")
    with pytest.raises(PermissionDenied):
        services.target_decide(actor=other_head, approval=approval, approve=True)
    with pytest.raises(PermissionDenied):
        services.campaign_send(actor=bu_head, campaign=campaign)
    with pytest.raises(ValidationError):
        services.target_decide(actor=bu_head, approval=approval, approve=False)  # no reason
    services.target_decide(actor=bu_head, approval=approval, approve=False, comment="少了大客户")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNING
    campaign = services.targets_submit(actor=cs_user, campaign=campaign)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    services.target_decide(actor=bu_head, approval=approval, approve=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LIST_APPROVED


def test_send_mails_the_direct_respondents_in_their_language(
    running_campaign, make_customer, make_contacts, cs_user, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        campaign = running_campaign(customers=2)
    assert campaign.status == CampaignStatus.RUNNING and campaign.round == 1
    invs = Invitation.objects.filter(campaign=campaign)
    assert all(i.status == InvitationStatus.SENT and i.sent_at for i in invs)
    direct = invs.filter(channel=Channel.EMAIL)
    invitations = [m for m in mail.outbox if m.to[0] in {i.email for i in direct}]
    assert len(invitations) == direct.count() == 2
    assert "/s/" in invitations[0].body
    from manyi.surveys.models import SurveyLink

    link = SurveyLink.objects.filter(invitation__in=direct).first()
    assert link is not None and len(link.digest) == 64
    assert link.digest not in invitations[0].body  # the token, not its digest, is mailed
    from manyi.surveys import selectors

    t = selectors.totals(campaign, scope=ALL_RECORDS)
    assert t["invited"] == invs.count() and t["completed"] == 0
    # a respondent added while the campaign runs is invited at once, in English
    customer = invs[0].customer
    from manyi.customers.models import Contact

    contact = Contact.objects.create(customer=customer, name="John Smith", function="gm",
                                     decision_class="A", email="john@kunde.example.cn",
                                     language="en")
    with django_capture_on_commit_callbacks(execute=True):
        inv = services.respondent_add(actor=cs_user, campaign=campaign, customer=customer,
                                      contact=contact)
    assert inv.channel == Channel.EMAIL
    english = [m for m in mail.outbox if m.to == ["john@kunde.example.cn"]]
    assert len(english) == 1 and "Dear John Smith" in english[0].body
    total = Invitation.objects.filter(campaign=campaign).count()
    assert selectors.totals(campaign, scope=ALL_RECORDS)["invited"] == total == 11


def test_special_campaign_needs_a_reason(cs_user, survey_template) -> None:
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(actor=cs_user, data={
            "title": "专项", "template": survey_template, "kind": "special",
            "period_year": 2025, "period": "Q3"})
    assert "reason" in exc.value.message_dict
