"""Other procedures open complaints: the feedback register hands a complaint over, a low
survey score opens one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from manyi.common import links
from manyi.complaints import integrations, services
from manyi.complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not apps.is_installed("manyi.feedback"), reason="no feedback register")
def test_feedback_hand_over_opens_a_complaint(people, customer, contact) -> None:
    from manyi.feedback import handover

    receiver = links.receiver("complaint.from_feedback")
    assert receiver is not None and receiver.create is integrations.complaint_from_feedback
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


def test_complaint_receivers_check_the_permission(people, customer, contact) -> None:
    entry = SimpleNamespace(
        customer=customer, contact=contact, contact_name="王经理", contact_phone="021-5555",
        channel="phone", received_at=None, subject="外壳变形", text="运输后外壳变形",
        kind="complaint",
    )
    with pytest.raises(PermissionDenied):  # no private shortcut around complaint.add
        integrations.complaint_from_feedback(entry, people.nobody)
    with pytest.raises(PermissionDenied):
        links.send("complaint.from_feedback", entry, people.nobody,
                   source_kind="feedback.complaint")
    with pytest.raises(PermissionDenied):  # another office's customer
        links.send("complaint.from_feedback", entry, people.clerk_gz,
                   source_kind="feedback.complaint")
    response = SimpleNamespace(customer=customer, respondent="赵工", language="zh-hans")
    answer = SimpleNamespace(item=SimpleNamespace(text="交货及时性"), value=2, text="",
                             response=response)
    with pytest.raises(PermissionDenied):
        services.complaint_create_from_survey(actor=people.nobody, response=response,
                                              answer=answer)
    with pytest.raises(PermissionDenied):
        links.send("complaint.from_survey_answer", answer, people.nobody,
                   source_kind="surveys.answer")
    assert not Complaint.objects.exists()
    link = links.send("complaint.from_survey_answer", answer, people.service,
                      source_kind="surveys.answer")
    assert link.record.channel == "market_research"
    assert link.url == reverse("complaints:detail", args=[link.record.pk])


@pytest.mark.skipif(not apps.is_installed("manyi.feedback"), reason="no feedback register")
def test_feedback_entry_links_to_its_complaint(people, customer, contact, client) -> None:
    from manyi.feedback.services import feedback_create

    entry = feedback_create(actor=people.service, data={
        "customer": customer, "contact": contact, "channel": "phone", "kind": "complaint",
        "subject": "外壳变形", "text": "运输后外壳变形", "received_at": timezone.now()})
    complaint = Complaint.objects.get()
    assert entry.handed_over_to == complaint.number
    assert [x.target for x in links.links_from(entry, kind="complaint.from_feedback")] == [
        complaint]
    client.force_login(people.service)
    html = client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert f'href="{reverse("complaints:detail", args=[complaint.pk])}"' in html


def test_capa_is_opened_only_for_who_may_open_one(people, new_complaint, step, product) -> None:
    from manyi.complaints import hooks

    from .conftest import GENERAL_ANALYSIS

    assert links.receiver(hooks.CAPA_RECEIVER) is None  # nothing offers it yet
    calls = []

    def open_capa(complaint, actor):
        calls.append(complaint.pk)
        return product

    capa = links.Receiver(key=hooks.CAPA_RECEIVER, label="CAPA", accepts=("*",),
                          action="admin.manage", create=open_capa, url=lambda r: "/capa/")
    c = new_complaint()
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "维修"}),
        ("accept", {}),
        ("carry_out", {"result": "已维修"}),
    ]:
        c = step(c, name, people.clerk, **data)
    with links.override(hooks.CAPA_RECEIVER, capa):
        c = step(c, "record_root_cause", people.qm, root_cause="x", capa_required=True)
        assert calls == [] and c.capa_required and not c.capa_object_id
        assert list(hooks.complaints_waiting_for_capa()) == [c]
        with pytest.raises(PermissionDenied):
            links.send(hooks.CAPA_RECEIVER, c, people.qm)
        link = links.send(hooks.CAPA_RECEIVER, c, None)  # the system may
    assert link.record == product and calls == [c.pk]
    assert [x.target for x in links.links_from(c)] == [product]
