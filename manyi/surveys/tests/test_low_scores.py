"""A low survey answer opens a complaint through the links registry
("complaint.from_survey_answer", offered by complaint handling)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from manyi.common import links
from manyi.surveys import services
from manyi.surveys.models import Answer, Invitation
from manyi.surveys.services.low_scores import RECEIVER, complaint_from_answer

from .conftest import full_answers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not apps.is_installed("manyi.complaints"), reason="no complaints"),
]


def _low_answer(running_campaign: Any, cs_user: Any) -> Answer:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    response = services.response_enter(
        actor=cs_user, invitation=inv, channel="paper",
        data=full_answers(campaign.template, value=4, overrides={"a_R1": 1}))
    return Answer.objects.get(response=response, item__key="R1")


def test_a_low_answer_opens_a_complaint_through_the_registry(running_campaign,
                                                             cs_user) -> None:
    from manyi.complaints.models import Complaint

    low = _low_answer(running_campaign, cs_user)
    url = complaint_from_answer(actor=cs_user, answer=low)
    complaint = Complaint.objects.get()
    low.refresh_from_db()
    assert low.complaint_requested and low.complaint_ref == complaint.number
    assert complaint.customer == low.response.customer
    assert complaint.channel == "market_research"
    assert url == reverse("complaints:detail", args=[complaint.pk])
    assert [(x.kind, x.target) for x in links.links_from(low)] == [(RECEIVER, complaint)]
    # asked again: the same complaint, none opened twice
    assert complaint_from_answer(actor=cs_user, answer=low) == url
    assert Complaint.objects.count() == 1


def test_who_may_not_open_complaints_only_flags_the_answer(running_campaign, cs_user,
                                                           make_user) -> None:
    from manyi.complaints.models import Complaint

    low = _low_answer(running_campaign, cs_user)
    nobody = make_user(department="QA")
    assert not links.may(RECEIVER, nobody, low)
    assert complaint_from_answer(actor=nobody, answer=low) == reverse("complaints:list")
    low.refresh_from_db()
    assert low.complaint_requested and not low.complaint_ref
    assert not Complaint.objects.exists()
