"""The demo complaints: promised volume, every state, realistic shares, determinism."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from manyi.common.models import NumberSequence
from manyi.complaints.demo import complaint_digest_rows, day_weight, demo_build
from manyi.complaints.models import (
    Accountability,
    Complaint,
    ComplaintMeeting,
    RemedyProposal,
)
from manyi.demo.build import build_demo

TODAY = date(2026, 6, 30)


@pytest.fixture
def built(db: Any) -> dict[str, int]:
    build_demo(seed=3, today=TODAY, scale="tiny", include_apps=False)
    return demo_build(seed=3, today=TODAY, scale="tiny")


def test_volume_states_and_links(built) -> None:
    from manyi.customers.models import Order

    orders = Order.objects.filter(order_date__gte=TODAY - timedelta(days=790)).count()
    n = Complaint.objects.filter(parent__isnull=True).count()
    assert abs(n - orders / 40) <= 2
    assert built["complaints"] == Complaint.objects.count()
    states = Counter(Complaint.objects.values_list("state", flat=True))
    assert states["called_back"] > Complaint.objects.count() / 2  # most are finished
    assert sum(states.values()) - states["called_back"] >= 1
    assert RemedyProposal.objects.filter(status="rejected").exists()
    assert RemedyProposal.objects.count() == built["remedy_proposals"]
    assert Complaint.objects.filter(escalated=True).exists()
    assert ComplaintMeeting.objects.count() == Complaint.objects.filter(
        severity="major", escalated=True).exclude(quality_decision="").count()
    assert Accountability.objects.count() == built["accountability"]
    # Every complaint is numbered gap-free per year in the order received.
    complaint_numbers = NumberSequence.objects.filter(scope="complaint")
    for year, last in complaint_numbers.values_list("year", "last"):
        seqs = sorted(Complaint.objects.filter(year=year).values_list("sequence", flat=True))
        assert seqs == list(range(1, last + 1))
    # Open ones have a deadline; finished ones none; repeats point back.
    for c in Complaint.objects.all():
        assert (c.due_at is None) == (c.state == "called_back"), c.number
        assert c.received_at.date() < TODAY
        if c.parent is not None:
            assert c.parent.callback_satisfaction == "dissatisfied"
            assert c.received_at == c.parent.callback_at
        assert c.proposals.filter(status="accepted").count() <= 1


def test_every_proposal_history_is_consistent(built) -> None:
    for c in Complaint.objects.prefetch_related("proposals"):
        numbers = [p.number for p in c.proposals.all()]
        assert numbers == list(range(1, len(numbers) + 1))
        for p in c.proposals.all():
            if p.kind in ("exchange", "refund", "compensation"):
                assert p.amount and p.approver_roles
            else:
                assert p.amount is None


def test_seasonality_rule() -> None:
    july, march = date(2025, 7, 16), date(2025, 3, 12)  # both Wednesdays
    assert day_weight(july, "PL-ACDC") == 2 * day_weight(march, "PL-ACDC")
    assert day_weight(july, "PL-PLC") == day_weight(march, "PL-PLC")
    assert day_weight(date(2025, 1, 29), "PL-PLC") < 0.2  # Spring Festival
    assert day_weight(date(2025, 3, 15), "PL-PLC") < day_weight(march, "PL-PLC")  # Saturday


@pytest.mark.django_db
def test_same_seed_same_complaints() -> None:
    digests = []
    for _ in range(2):
        sid = transaction.savepoint()
        build_demo(seed=5, today=TODAY, scale="tiny", include_apps=False)
        demo_build(seed=5, today=TODAY, scale="tiny")
        digests.append(complaint_digest_rows())
        transaction.savepoint_rollback(sid)
    assert digests[0] == digests[1] and len(digests[0]) > 10
