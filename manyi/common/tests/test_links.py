"""The registry of links between modules (manyi.common.links) and the stored RecordLink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from manyi.common import links
from manyi.common.models import RecordLink

pytestmark = pytest.mark.django_db


def _receiver(create: Callable[..., Any], *, action: str = "product.manage",
              accepts: tuple[str, ...] = ("customers.customer",)) -> links.Receiver:
    return links.Receiver(key="test.from_customer", label="test", accepts=accepts,
                          action=action, create=create, url=lambda record: f"/r/{record.pk}/")


def test_send_to_an_unknown_key_is_refused_with_a_clear_message(make_customer, admin_user
                                                                 ) -> None:
    from django.utils.translation import override

    with override("en"), pytest.raises(links.LinkRefused) as exc:
        links.send("nothing.offers_this", make_customer(), admin_user)
    assert exc.value.code == "unknown_receiver"
    assert "nothing.offers_this" in exc.value.messages[0]
    assert "no installed module offers it" in exc.value.messages[0]


def test_send_refuses_a_source_the_receiver_does_not_take(make_customer, admin_user,
                                                          product) -> None:
    with links.override("test.from_customer", _receiver(lambda source, actor: product)):
        with pytest.raises(links.LinkRefused) as exc:
            links.send("test.from_customer", product, admin_user)
    assert exc.value.code == "not_accepted"
    assert not RecordLink.objects.exists()


def test_send_checks_the_permission_and_stores_the_link_both_ways(
    make_customer, make_user, admin_user, product
) -> None:
    customer = make_customer()
    calls: list[tuple[Any, Any, dict[str, Any]]] = []

    def create(source: Any, actor: Any, **data: Any) -> Any:
        calls.append((source, actor, data))
        return product

    clerk = make_user("sales_clerk", department="BO-SH")  # no product.manage
    with links.override("test.from_customer", _receiver(create)):
        assert links.receivers_for("customers.customer", clerk, customer) == []
        assert not links.may("test.from_customer", clerk, customer)
        with pytest.raises(PermissionDenied):
            links.send("test.from_customer", customer, clerk)
        assert calls == [] and not RecordLink.objects.exists()

        assert [r.key for r in links.receivers_for("customers.customer", admin_user)] == [
            "test.from_customer"]
        with transaction.atomic():
            link = links.send("test.from_customer", customer, admin_user, note="why")
    assert calls == [(customer, admin_user, {"note": "why"})]
    assert link.record == product and link.url == f"/r/{product.pk}/"
    assert link.number == str(product.pk)
    stored = RecordLink.objects.get()
    assert stored.source == customer and stored.target == product
    assert stored.kind == "test.from_customer" and stored.created_by == admin_user
    assert links.links_from(customer) == [stored] and links.links_to(product) == [stored]
    assert links.links_of(customer) == [stored] == links.links_of(product)
    assert links.links_to(customer) == [] and links.links_from(product) == []
    assert links.links_from(customer, kind="other") == []


def test_a_receiver_that_opens_nothing_gives_an_empty_link(make_customer, admin_user) -> None:
    with links.override("test.from_customer", _receiver(lambda source, actor: None)):
        link = links.send("test.from_customer", make_customer(), admin_user)
    assert not link and link.number == "" and link.url == ""
    assert not RecordLink.objects.exists()


def test_override_restores_what_was_offered() -> None:
    before = links.receiver("complaint.from_feedback")
    assert before is not None  # offered by ComplaintsConfig.ready()
    with links.override("complaint.from_feedback", None):
        assert links.receiver("complaint.from_feedback") is None
    assert links.receiver("complaint.from_feedback") is before


def test_every_app_offers_its_receivers_and_timeline_once() -> None:
    from manyi.claims.timeline import claim_events
    from manyi.complaints.timeline import complaint_events
    from manyi.customers.timeline import order_events

    for key in ("complaint.from_feedback", "complaint.from_survey_answer",
                "claim.from_feedback"):
        assert links.receiver(key) is not None, key
    assert links.receiver("capa.from_record") is None  # the CAPA module is not built yet
    for source in (order_events, complaint_events, claim_events):
        assert links.TIMELINE_SOURCES.count(source) == 1
    links.register_timeline(order_events)
    assert links.TIMELINE_SOURCES.count(order_events) == 1
