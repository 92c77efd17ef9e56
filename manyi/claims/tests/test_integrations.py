"""Claims receive from other procedures: a feedback entry of kind "claim" registers a claim
through the links registry ("claim.from_feedback"), with the intake's permission check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from manyi.claims.models import Claim
from manyi.common import links

pytestmark = pytest.mark.django_db

feedback = pytest.importorskip("manyi.feedback.services")


def _claim_entry(actor: Any, customer: Any) -> Any:
    return feedback.feedback_create(actor=actor, data={
        "customer": customer, "channel": "phone", "kind": "claim",
        "subject": "停线损失索赔", "text": "200 台电源输出电压偏低，要求赔偿。",
        "received_at": timezone.now()})


def test_a_feedback_entry_of_kind_claim_opens_a_claim(people, customer, client) -> None:
    entry = _claim_entry(people.sales, customer)
    claim = Claim.objects.get()
    assert entry.handed_over_to == claim.number and claim.state == "collecting"
    assert claim.customer == customer and claim.handler == people.sales
    assert claim.description == "停线损失索赔\n200 台电源输出电压偏低，要求赔偿。"
    assert [(x.kind, x.target) for x in links.links_from(entry)] == [
        ("claim.from_feedback", claim)]
    assert [x.source for x in links.links_to(claim)] == [entry]
    client.force_login(people.sales)
    html = client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert f'href="{reverse("claims:detail", args=[claim.pk])}"' in html


def test_who_may_not_register_claims_opens_none(people, customer, make_user) -> None:
    service = make_user("customer_service", department="CS")  # feedback.add, no claim.add
    entry = _claim_entry(service, customer)
    assert entry.handed_over_to == "" and not Claim.objects.exists()
    assert "claim.from_feedback" not in [
        r.key for r in links.receivers_for("feedback.claim", service, entry)]
    assert "claim.from_feedback" in [
        r.key for r in links.receivers_for("feedback.claim", people.sales, entry)]
    with pytest.raises(PermissionDenied):
        links.send("claim.from_feedback", entry, service, source_kind="feedback.claim")
    with pytest.raises(PermissionDenied):  # another office's customer
        links.send("claim.from_feedback", entry, people.gz_sales, source_kind="feedback.claim")
    assert not Claim.objects.exists()


def test_the_entry_page_offers_the_claim_to_who_may_register_it(people, customer, make_user,
                                                                 client) -> None:
    service = make_user("customer_service", department="CS")
    entry = _claim_entry(service, customer)
    url = reverse("feedback:hand_over", args=[entry.pk])
    client.force_login(service)
    assert url not in client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(people.sales)
    assert url in client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    response = client.post(url)
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    entry.refresh_from_db()
    assert entry.handed_over_to == claim.number and claim.handler == people.sales
    assert [x.target for x in links.links_from(entry)] == [claim]
    assert client.post(url).status_code == 302  # a second time: refused, nothing opened
    assert Claim.objects.count() == 1
    assert url not in client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
