"""Other procedures open complaints: the feedback register hands a complaint over, a low
survey score opens one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps

from manyi.complaints import integrations, services
from manyi.complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not apps.is_installed("manyi.feedback"), reason="no feedback register")
def test_feedback_hand_over_opens_a_complaint(people, customer, contact) -> None:
    from manyi.feedback import handover

    assert handover._HANDLERS.get("complaint") is integrations.complaint_from_feedback
    entry = SimpleNamespace(
        customer=customer, contact=contact, contact_name="王经理", contact_phone="021-5555",
        channel="web_form", received_at=None, subject="外壳变形", text="运输后外壳变形",
        kind="complaint",
    )
    number = handover.hand_over(entry, people.service)
    c = Complaint.objects.get(number=number)
    assert c.channel == "web_form" and c.contact == contact and c.state == "received"
    assert c.description == "外壳变形\n运输后外壳变形" and c.owner == people.branch
    assert handover.hand_over(SimpleNamespace(**{**entry.__dict__, "customer": None}),
                              people.service) == ""


def test_low_survey_score_opens_a_complaint(people, customer) -> None:
    response = SimpleNamespace(customer=customer, respondent="赵工", language="zh-hans")
    answer = SimpleNamespace(item=SimpleNamespace(text="交货及时性"), value=2, text="经常延期")
    c = services.complaint_create_from_survey(actor=people.service, response=response,
                                              answer=answer)
    assert c.channel == "market_research" and c.contact_name == "赵工"
    assert "交货及时性" in c.description and "经常延期" in c.description
    assert c.get_absolute_url() == f"/complaints/{c.pk}/"
