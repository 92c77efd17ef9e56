"""Staff entry of returned forms, proxy filling (flagged), self-evaluation (kept apart),
corrections, complaints from low scores."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.accounts.permissions import ALL_RECORDS
from manyi.surveys import services
from manyi.surveys.models import (
    Answer,
    Channel,
    CustomerRollup,
    Invitation,
    ItemRollup,
    Response,
    ResponseSource,
)
from manyi.surveys.rollups import rollups_current, rollups_recompute

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def test_staff_entry_of_a_returned_fax(running_campaign, make_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign, channel=Channel.DELEGATED)[0]
    clerk = make_user("sales_clerk", department="BO-SH")
    response = services.response_enter(actor=clerk, invitation=inv, channel="fax",
                                       data=full_answers(campaign.template, value=3))
    assert (response.channel, response.proxy, response.filled_by) == ("fax", False, clerk)
    assert response.status == "submitted" and response.delegated
    inv.refresh_from_db()
    assert inv.completed_at is not None
    with pytest.raises(ValidationError):  # once only
        services.response_enter(actor=clerk, invitation=inv, channel="paper",
                                data=full_answers(campaign.template))
    other_office = make_user("sales_clerk", department="BO-GZ")
    inv2 = Invitation.objects.filter(campaign=campaign, completed_at__isnull=True)[0]
    with pytest.raises(PermissionDenied):
        services.response_enter(actor=other_office, invitation=inv2, channel="fax",
                                data=full_answers(campaign.template))


def test_proxy_filling_is_flagged_and_needs_the_customers_words(running_campaign,
                                                                 cs_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    data = full_answers(campaign.template, value=4)
    with pytest.raises(ValidationError) as exc:
        services.response_enter(actor=cs_user, invitation=inv, channel="proxy", data=data)
    assert "proxy_note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.response_enter(actor=cs_user, invitation=inv, channel="proxy", data=data,
                                proxy_note="电话 3月5日", confirm_customer_words=False)
    response = services.response_enter(
        actor=cs_user, invitation=inv, channel="proxy", data=data,
        proxy_note="2025-12-05 电话，按客户原话填写", confirm_customer_words=True)
    assert response.proxy and response.filled_by == cs_user
    assert "按客户原话" in response.proxy_note
    from manyi.surveys import selectors

    assert selectors.totals(campaign, scope=ALL_RECORDS)["proxy"] == 1


def test_self_evaluation_kept_apart(running_campaign, make_user) -> None:
    campaign = running_campaign(customers=1)
    customer = campaign.targets.first().customer
    sales = make_user("sales_clerk", department="BO-SH")
    response = services.self_evaluation_enter(actor=sales, campaign=campaign, customer=customer,
                                              data=full_answers(campaign.template, value=5))
    assert response.source == ResponseSource.SELF and response.invitation is None
    with pytest.raises(ValidationError):
        services.self_evaluation_enter(actor=sales, campaign=campaign, customer=customer,
                                       data=full_answers(campaign.template, value=5))
    assert not ItemRollup.objects.filter(campaign=campaign, source="customer").exists()
    assert ItemRollup.objects.filter(campaign=campaign, source="self").exists()
    assert CustomerRollup.objects.get(campaign=campaign, source="self").forms == 1
    from manyi.surveys import selectors

    assert selectors.totals(campaign, scope=ALL_RECORDS)["completed"] == 0  # not a customer's form
    gz = make_user("sales_clerk", department="BO-GZ")
    with pytest.raises(PermissionDenied):
        services.self_evaluation_enter(actor=gz, campaign=campaign, customer=customer,
                                       data=full_answers(campaign.template))


def test_correction_moves_the_rollups(running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    response = services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                       data=full_answers(campaign.template, value=4))
    with pytest.raises(ValidationError):
        services.response_correct(actor=cs_user, response=response, data={"a_P1": "2"},
                                  note="", expected_version=None)
    fixed = services.response_correct(actor=cs_user, response=response,
                                      data={"a_P1": "2", "a_P2": "na"},
                                      note="录入错误", expected_version=response.version)
    assert fixed.value_sum == response.value_sum - 2 - 4 and fixed.not_applicable == 1
    assert fixed.low == 1
    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)
    from manyi.common.services import StaleRecordError

    with pytest.raises(StaleRecordError):
        services.response_correct(actor=cs_user, response=fixed, data={"a_P1": "3"},
                                  note="再改", expected_version=response.version)


def test_low_score_flags_a_complaint_request(running_campaign, cs_user, client) -> None:
    from django.apps import apps

    from manyi.common import links
    from manyi.surveys.services import low_scores

    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    response = services.response_enter(
        actor=cs_user, invitation=inv, channel="paper",
        data=full_answers(campaign.template, value=4, overrides={"a_R1": 1}))
    low = Answer.objects.get(response=response, item__key="R1")
    created = []

    def fake_factory(answer, actor, **kwargs):
        created.append({"answer": answer, "actor": actor, **kwargs})

        class C:
            number = "TS-2025-001"
            pk = 7

        return C()

    fake = links.Receiver(key=low_scores.RECEIVER, label="complaint", accepts=("surveys.answer",),
                          action="survey.fill", create=fake_factory, url=lambda c: "/c/")
    with links.override(low_scores.RECEIVER, fake):
        low_scores.complaint_from_answer(actor=cs_user, answer=low)
    low.refresh_from_db()
    assert low.complaint_ref == "TS-2025-001" and created[0]["answer"].pk == low.pk
    # without the complaints service: the answer is flagged with a link to /complaints/
    other = Answer.objects.get(response=response, item__key="R2")
    Answer.objects.filter(pk=other.pk).update(value=2)
    client.force_login(cs_user)
    url = f"/surveys/responses/{response.pk}/complaint/{other.pk}/"
    with links.override(low_scores.RECEIVER, None):
        assert client.post(url).status_code == 302
    other.refresh_from_db()
    assert other.complaint_requested and not other.complaint_ref
    # with the complaints module installed, its service opens a real complaint
    if apps.is_installed("manyi.complaints") and links.receiver(low_scores.RECEIVER) is not None:
        third = Answer.objects.get(response=response, item__key="S2")
        Answer.objects.filter(pk=third.pk).update(value=1)
        assert client.post(f"/surveys/responses/{response.pk}/complaint/{third.pk}/"
                           ).status_code == 302
        third.refresh_from_db()
        assert third.complaint_requested and third.complaint_ref
    fine = Answer.objects.get(response=response, item__key="R3")
    client.post(f"/surveys/responses/{response.pk}/complaint/{fine.pk}/")
    fine.refresh_from_db()
    assert not fine.complaint_requested  # a 4 opens nothing
    assert Response.objects.filter(pk=response.pk).exists()
